// One write at a time to the leader of a fresh 3-node cluster (Barn or etcd) under the kernel's scheduler trace:
// which threads waited to run inside the fastest half, the p90–p99 and the slowest 1% of the writes, what the
// CPUs ran meanwhile, and how long a thread waited after a wake-up onto an idle or a busy CPU. The evidence for
// where the 3 × 1 tail goes (docs/performance.md, stop 18). Needs root and tracefs; not a test.
//
//   node --import tsx bench/barn/sched-trace.ts [barn|etcd]     WARMUP=8 SECONDS=6 (env), data under /tmp
//
// Threads are named by process — L (the leader, which the client writes to), the followers by member name,
// C (this client) — and `:main` for a process's main thread, `:node` for its other threads (V8's and libuv's).
// For Barn the main threads are watched (its members do their work there); for etcd every thread of the members
// and the client, so etcd's wait figures are not comparable with Barn's, only its wake-up latencies are.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { BARN_TOKEN } from './barn-cluster.ts';
import { assertNoStrayServers, type RunningCluster } from './server-process.ts';
import { percentile } from './percentile.ts';
import { leaderUrl, start } from './throughput.ts';
import { buildTimeline, parseTraceLine, shareOfWindows, wakeLatency, type SchedEvent, type Timeline } from './sched-timeline.ts';

const TRACING = '/sys/kernel/tracing';
const EVENTS = ['sched/sched_switch', 'sched/sched_wakeup', 'sched/sched_wakeup_new'];
const kind = process.argv[2] === 'etcd' ? 'etcd' : 'barn';
const warmupMs = Number(process.env['WARMUP'] ?? 8) * 1000;
const measureMs = Number(process.env['SECONDS'] ?? 6) * 1000;

if (!existsSync(join(TRACING, 'trace'))) {
  console.error(`sched-trace: ${TRACING} is not mounted (as root: mount -t tracefs nodev ${TRACING})`);
  process.exit(2);
}
assertNoStrayServers();
const tracing = (file: string, value: string): void => writeFileSync(join(TRACING, file), value);
// put back when done: the buffer is 200 MB per CPU of kernel memory while it is this size
const before = { clock: /\[(\w+)\]/.exec(readFileSync(join(TRACING, 'trace_clock'), 'utf8'))?.[1] ?? 'local', bufferKb: readFileSync(join(TRACING, 'buffer_size_kb'), 'utf8').trim().split(' ')[0]! };
const dir = mkdtempSync(join(tmpdir(), 'sched-trace-'));
const cluster: RunningCluster = await start(kind, 3, dir);
const agent = new Agent({ connections: 1, pipelining: 1 });
const value = 'x'.repeat(256);
const b64 = (s: string): string => Buffer.from(s).toString('base64');
try {
  const leader = await leaderUrl(cluster);
  const put = async (i: number): Promise<void> => {
    const key = `k${i % 10_000}`;
    const res =
      kind === 'barn'
        ? await request(`${leader}/v1/kv/${key}`, { method: 'PUT', dispatcher: agent, headers: { authorization: `Bearer ${BARN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ value }) })
        : await request(`${leader}/v3/kv/put`, { method: 'POST', dispatcher: agent, body: JSON.stringify({ key: b64(key), value: b64(value) }) });
    await res.body.dump();
    if (res.statusCode !== 200) throw new Error(`put ${key}: HTTP ${res.statusCode}`);
  };
  const windows: [number, number][] = [];
  const start = performance.now();
  let traced = false;
  for (let i = 0; performance.now() - start < warmupMs + measureMs; i++) {
    if (!traced && performance.now() - start >= warmupMs) {
      tracing('trace_clock', 'mono');
      tracing('buffer_size_kb', '200000');
      tracing('trace', '');
      for (const e of EVENTS) tracing(`events/${e}/enable`, '1');
      tracing('tracing_on', '1');
      traced = true;
    }
    const s = process.hrtime.bigint();
    await put(i);
    if (traced) windows.push([Number(s / 1000n), Number(process.hrtime.bigint() / 1000n)]);
  }
  tracing('tracing_on', '0');
  for (const e of EVENTS) tracing(`events/${e}/enable`, '0');
  const names = threadNames(cluster, leader);
  const events: SchedEvent[] = [];
  for (const line of readFileSync(join(TRACING, 'trace'), 'utf8').split('\n')) {
    const ev = parseTraceLine(line);
    if (ev !== undefined) events.push(ev);
  }
  tracing('trace', '');
  tracing('buffer_size_kb', before.bufferKb);
  tracing('trace_clock', before.clock);
  const mains = [process.pid, ...cluster.members.map((m) => m.pid)];
  const timeline = buildTimeline(events, new Set(kind === 'barn' ? mains : names.keys()));
  report(windows, timeline, (tid) => (tid === 0 ? 'idle' : (names.get(tid) ?? 'other')));
} finally {
  await cluster.stop();
  rmSync(dir, { recursive: true, force: true });
}

/** tid → "L:main", "n2:node", "C:main", … for this process and every member (read before they stop). */
function threadNames(c: RunningCluster, leaderUrl: string): Map<number, string> {
  const names = new Map<number, string>();
  const procs: [string, number][] = [['C', process.pid], ...c.members.map((m): [string, number] => [m.url === leaderUrl ? 'L' : m.name, m.pid])];
  for (const [label, pid] of procs) {
    for (const t of readdirSync(`/proc/${pid}/task`)) names.set(Number(t), `${label}:${Number(t) === pid ? 'main' : 'node'}`);
  }
  return names;
}

function report(windows: [number, number][], timeline: Timeline, name: (tid: number) => string): void {
  const lat = windows.map(([s, e]) => e - s);
  const sorted = Float64Array.from(lat).sort();
  const [p50, p90, p99, p999] = [50, 90, 99, 99.9].map((p) => percentile(sorted, p)) as [number, number, number, number];
  console.log(`${kind} 3 nodes x 1 in flight to the leader: ${lat.length} writes, p50 ${p50} p90 ${p90} p99 ${p99} p99.9 ${p999} µs`);
  const bands: [string, (l: number) => boolean][] = [
    ['fastest half', (l) => l < p50],
    ['p90-p99', (l) => l >= p90 && l < p99],
    ['slowest 1%', (l) => l >= p99],
  ];
  const top = (m: ReadonlyMap<string, number>): string => [...m].slice(0, 10).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ');
  for (const [label, inBand] of bands) {
    const share = shareOfWindows(timeline, windows.filter((_, i) => inBand(lat[i]!)), name);
    console.log(`${label}: ${share.windows} writes, mean ${share.meanLength.toFixed(0)} µs`);
    console.log(`  waiting to run (µs per write): ${top(share.waiting)}`);
    console.log(`  ran meanwhile (CPU µs per write): ${top(share.ranMeanwhile)}`);
  }
  const w = wakeLatency(timeline, [50, 90, 99]);
  console.log(`wake-up to running, onto an idle CPU (${w.counts[0]}): p50/p90/p99 ${w.ontoIdle.join('/')} µs; onto a busy CPU or preempted (${w.counts[1]}): ${w.ontoBusy.join('/')} µs`);
}
