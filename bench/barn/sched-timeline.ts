// The kernel scheduler's view of a run (pure): ftrace's sched_switch / sched_wakeup lines turned into what each
// CPU ran when, how long the watched threads waited between being made runnable and running, and, for a set of
// request windows, who waited inside them and what the CPUs ran meanwhile. Used by sched-trace.ts to find where
// the slowest writes' time went (docs/performance.md, stop 18).
//
// Times are microseconds on the trace's clock (sched-trace.ts uses `mono`, the clock of process.hrtime).
// Thread id 0 is the idle task.
import { percentile } from './percentile.ts';

export type SchedEvent =
  | { readonly kind: 'switch'; readonly t: number; readonly cpu: number; readonly prev: number; readonly prevRunnable: boolean; readonly next: number }
  | { readonly kind: 'wakeup'; readonly t: number; readonly cpu: number; readonly tid: number };

/** A thread on a CPU from `s` to `e`. */
export interface Run {
  readonly cpu: number;
  readonly tid: number;
  readonly s: number;
  readonly e: number;
}

/** A watched thread runnable but not running from `s` to `e`; `ontoIdle`: it was woken onto a CPU that ran the
 * idle task at that moment (a preempted thread, or one woken onto a busy CPU, is not). */
export interface Wait {
  readonly tid: number;
  readonly s: number;
  readonly e: number;
  readonly ontoIdle: boolean;
}

export interface Timeline {
  readonly runs: readonly Run[];
  readonly waits: readonly Wait[];
}

const LINE = /\[(\d+)\]\s+\S+\s+(\d+)\.(\d{6}): (sched_switch|sched_wakeup|sched_wakeup_new): (.*)$/;

/** One line of /sys/kernel/tracing/trace; undefined for comments and other events. */
export function parseTraceLine(line: string): SchedEvent | undefined {
  const m = LINE.exec(line);
  if (m === null) return undefined;
  const t = Number(m[2]) * 1_000_000 + Number(m[3]);
  const f = fields(m[5]!);
  if (m[4] === 'sched_switch') {
    return { kind: 'switch', t, cpu: Number(m[1]), prev: Number(f.get('prev_pid')), prevRunnable: (f.get('prev_state') ?? '').startsWith('R'), next: Number(f.get('next_pid')) };
  }
  // the CPU the thread was put on, not the waker's
  return { kind: 'wakeup', t, cpu: Number(f.get('target_cpu')), tid: Number(f.get('pid')) };
}

function fields(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split(' ')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return out;
}

/** Events in trace order (the trace interleaves CPUs by time). `watched`: the threads whose waits are kept. A
 * thread still running at the last event ran until it; a wait not over by then is dropped. */
export function buildTimeline(events: readonly SchedEvent[], watched: ReadonlySet<number>): Timeline {
  const runs: Run[] = [];
  const waits: Wait[] = [];
  const onCpu = new Map<number, { tid: number; s: number }>();
  const pending = new Map<number, { s: number; ontoIdle: boolean }>();
  for (const ev of events) {
    switch (ev.kind) {
      case 'wakeup':
        if (watched.has(ev.tid) && !pending.has(ev.tid)) pending.set(ev.tid, { s: ev.t, ontoIdle: onCpu.get(ev.cpu)?.tid === 0 });
        break;
      case 'switch': {
        const cur = onCpu.get(ev.cpu);
        if (cur !== undefined) runs.push({ cpu: ev.cpu, tid: cur.tid, s: cur.s, e: ev.t });
        onCpu.set(ev.cpu, { tid: ev.next, s: ev.t });
        if (ev.prevRunnable && watched.has(ev.prev)) pending.set(ev.prev, { s: ev.t, ontoIdle: false });
        const p = pending.get(ev.next);
        if (p !== undefined) {
          waits.push({ tid: ev.next, s: p.s, e: ev.t, ontoIdle: p.ontoIdle });
          pending.delete(ev.next);
        }
        break;
      }
    }
  }
  // what still runs when the trace ends ran until its last event
  const end = events.length === 0 ? 0 : events[events.length - 1]!.t;
  for (const [cpu, cur] of onCpu) if (end > cur.s) runs.push({ cpu, tid: cur.tid, s: cur.s, e: end });
  return { runs: runs.sort((a, b) => a.s - b.s), waits: waits.sort((a, b) => a.s - b.s) };
}

export interface WindowShare {
  readonly windows: number;
  /** Mean over the windows of the window's length. */
  readonly meanLength: number;
  /** Per thread name: mean time runnable-but-waiting inside a window (threads overlap: the sum exceeds it). */
  readonly waiting: ReadonlyMap<string, number>;
  /** Per thread name ('idle' for the idle task): mean CPU time it ran on either CPU while a watched thread waited. */
  readonly ranMeanwhile: ReadonlyMap<string, number>;
}

/** Who waited inside the windows [s, e) and what ran while they waited. `name` groups threads. */
export function shareOfWindows(tl: Timeline, windows: readonly (readonly [number, number])[], name: (tid: number) => string): WindowShare {
  const waiting = new Map<string, number>();
  const ran = new Map<string, number>();
  const longestWait = longest(tl.waits);
  const longestRun = longest(tl.runs);
  let length = 0;
  for (const [s, e] of windows) {
    length += e - s;
    for (const w of overlapping(tl.waits, longestWait, s, e)) {
      const a = Math.max(s, w.s);
      const b = Math.min(e, w.e);
      add(waiting, name(w.tid), b - a);
      for (const r of overlapping(tl.runs, longestRun, a, b)) add(ran, name(r.tid), Math.min(b, r.e) - Math.max(a, r.s));
    }
  }
  const n = Math.max(1, windows.length);
  const mean = (m: Map<string, number>): Map<string, number> => new Map([...m].map(([k, v]) => [k, v / n] as const).sort((x, y) => y[1] - x[1]));
  return { windows: windows.length, meanLength: length / n, waiting: mean(waiting), ranMeanwhile: mean(ran) };
}

function longest(xs: readonly { readonly s: number; readonly e: number }[]): number {
  let max = 0;
  for (const x of xs) max = Math.max(max, x.e - x.s);
  return max;
}

/** Intervals sorted by start that overlap [s, e), none longer than `longestLen`: a scan from the first that
 * starts at or after s - longestLen (an earlier one cannot reach s). */
function overlapping<T extends { readonly s: number; readonly e: number }>(sorted: readonly T[], longestLen: number, s: number, e: number): T[] {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]!.s < s - longestLen) lo = mid + 1;
    else hi = mid;
  }
  const out: T[] = [];
  for (let i = lo; i < sorted.length && sorted[i]!.s < e; i++) if (sorted[i]!.e > s) out.push(sorted[i]!);
  return out;
}

function add(m: Map<string, number>, k: string, v: number): void {
  m.set(k, (m.get(k) ?? 0) + v);
}

/** Percentiles (0–100, percentile.ts) of how long the watched threads waited after a wake-up, split by whether the
 * CPU they were put on was idle (a halted virtual CPU has to be woken by the host first) or busy. */
export function wakeLatency(tl: Timeline, percentiles: readonly number[]): { ontoIdle: number[]; ontoBusy: number[]; counts: [number, number] } {
  const lengths = (ontoIdle: boolean): Float64Array => Float64Array.from(tl.waits.filter((w) => w.ontoIdle === ontoIdle), (w) => w.e - w.s).sort();
  const idle = lengths(true);
  const busy = lengths(false);
  const pick = (xs: Float64Array): number[] => percentiles.map((p) => percentile(xs, p));
  return { ontoIdle: pick(idle), ontoBusy: pick(busy), counts: [idle.length, busy.length] };
}
