// The warm-up curve: how each system gets up to speed from a cold start. A fresh cluster of each kind (etcd
// first, then Barn) takes `concurrency` writes in flight for `seconds` with no warm-up at all, and the writes
// acknowledged in every whole second are kept. Barn runs on V8, which compiles a function to optimized code
// only after watching it run for a while; etcd is compiled ahead of time. The matrix measures both after a
// warm-up; this phase shows what that warm-up hides.
import { measureOne } from './throughput.ts';
import type { SystemKind } from './server-process.ts';

export interface WarmUpOptions {
  readonly size: number;
  readonly concurrency: number;
  readonly seconds: number;
  readonly keys: number;
  readonly valueBytes: number;
  /** Scratch dir; each cluster gets a fresh subdir, removed afterwards. */
  readonly workDir: string;
}

export interface WarmUpRun {
  readonly size: number;
  readonly concurrency: number;
  /** Writes acknowledged in second 1, 2, … after the first request (index 0 = second 1). */
  readonly etcd: readonly number[];
  readonly barn: readonly number[];
}

async function curve(kind: SystemKind, o: WarmUpOptions): Promise<number[]> {
  const r = await measureOne(kind, o.size, o.concurrency, { ...o, warmupMs: 0, durationMs: o.seconds * 1000, target: 'all' });
  // The last bucket is cut short by the end of the run; only whole seconds count.
  return Array.from({ length: o.seconds }, (_, i) => r.perSecond?.[i] ?? 0);
}

export async function runWarmUp(o: WarmUpOptions): Promise<WarmUpRun> {
  const etcd = await curve('etcd', o);
  const barn = await curve('barn', o);
  return { size: o.size, concurrency: o.concurrency, etcd, barn };
}

/** The first second from which Barn acknowledged at least as many writes as etcd in every later second, or -1. */
export function secondBarnKeepsUp(run: WarmUpRun): number {
  for (let s = 0; s < run.barn.length; s++) {
    if (run.barn.slice(s).every((n, i) => n >= run.etcd[s + i]!)) return s + 1;
  }
  return -1;
}
