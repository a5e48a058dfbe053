// The throughput/latency matrix: for each cluster size and each number of requests in flight, a fresh etcd
// cluster and a fresh Barn cluster (new data dirs) take the same put load from the same generator, one after
// the other, on the same machine. Each cell reports both results and the ratios Barn/etcd.
// With several rounds, etcd and Barn alternate (etcd, Barn, etcd, Barn, …) so a slow spell of a shared
// machine hits both, and each figure of a cell is the median over its rounds.
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { barnStatus, startBarnCluster } from './barn-cluster.ts';
import { etcdIsLeader, startEtcd } from './etcd-cluster.ts';
import { keepLogs, memberExited } from './keep-logs.ts';
import { runLoad, type LoadResult } from './load-spec.ts';
import type { RunningCluster, SystemKind } from './server-process.ts';

export interface MatrixOptions {
  readonly sizes: readonly number[];
  readonly concurrencies: readonly number[];
  readonly warmupMs: number;
  readonly durationMs: number;
  /** Measurements per system per cell (≥ 1); figures are medians over rounds. */
  readonly rounds: number;
  readonly keys: number;
  readonly valueBytes: number;
  /** `all`: request slots spread over every member (followers forward to the leader); `leader`: all load on
   * the leader (separates the cost of forwarding and follower apply from the replication itself). */
  readonly target: 'all' | 'leader';
  /** Scratch dir; each cluster gets a fresh subdir, removed after its cell. */
  readonly workDir: string;
  readonly log: (line: string) => void;
}

export interface Cell {
  readonly size: number;
  readonly concurrency: number;
  /** Medians over the rounds (ok and errors are sums, maxMs the max). */
  readonly etcd: LoadResult;
  readonly barn: LoadResult;
  readonly rounds: { readonly etcd: readonly LoadResult[]; readonly barn: readonly LoadResult[] };
  /** 1-minute load average of the machine before each round (other work on the machine shows here). */
  readonly loadavg: readonly number[];
  /** Barn puts/s ÷ etcd puts/s (≥ 1 means Barn is at least as fast). */
  readonly throughputRatio: number;
  /** Barn p99 ÷ etcd p99 (≤ 1 means Barn's tail is no worse). */
  readonly p99Ratio: number;
}

export async function start(kind: SystemKind, size: number, dir: string, nodeFlags?: readonly string[]): Promise<RunningCluster> {
  return kind === 'etcd' ? startEtcd(size, dir) : startBarnCluster(size, dir, nodeFlags ? { nodeFlags } : {});
}

/** One measurement: a fresh cluster of `kind` (new data dir, removed afterwards) takes the load. */
export async function measureOne(kind: SystemKind, size: number, concurrency: number, o: Pick<MatrixOptions, 'warmupMs' | 'durationMs' | 'keys' | 'valueBytes' | 'target' | 'workDir'>): Promise<LoadResult> {
  const dir = join(o.workDir, `${kind}-x${size}-c${concurrency}`);
  rmSync(dir, { recursive: true, force: true });
  const cluster = await start(kind, size, dir);
  try {
    const endpoints = o.target === 'all' ? cluster.members.map((m) => m.url) : [await leaderUrl(cluster)];
    const result = await runLoad({
      kind,
      endpoints,
      ...(cluster.token ? { token: cluster.token } : {}),
      concurrency,
      keys: o.keys,
      valueBytes: o.valueBytes,
      warmupMs: o.warmupMs,
      durationMs: o.durationMs,
    });
    if (result.errors === 0 && !memberExited(cluster)) return result;
    const kept = keepLogs(cluster, o.workDir, `${kind}-x${size}-c${concurrency}`);
    return { ...result, errorSamples: [`member logs kept in ${kept}`, ...result.errorSamples] };
  } finally {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The URL of the member that says it leads (Barn: GET /v1/status; etcd: its maintenance status). */
export async function leaderUrl(cluster: RunningCluster): Promise<string> {
  for (const m of cluster.members) {
    if (cluster.kind === 'etcd' ? await etcdIsLeader(m.url) : (await barnStatus(m.url)).role === 'leader') return m.url;
  }
  throw new Error(`${cluster.kind}: no member says it is the leader`);
}

export async function runMatrix(o: MatrixOptions): Promise<Cell[]> {
  const cells: Cell[] = [];
  for (const size of o.sizes) {
    for (const concurrency of o.concurrencies) {
      const rounds = { etcd: [] as LoadResult[], barn: [] as LoadResult[] };
      const load: number[] = [];
      for (let r = 0; r < Math.max(1, o.rounds); r++) {
        load.push(loadavg()[0]!);
        for (const kind of ['etcd', 'barn'] as const) {
          const x = await measureOne(kind, size, concurrency, o);
          rounds[kind].push(x);
          o.log(`${kind} x${size} c${concurrency} round ${r + 1}: ${x.putsPerSec.toFixed(0)} puts/s p50 ${x.p50Ms.toFixed(2)} ms p99 ${x.p99Ms.toFixed(2)} ms errors ${x.errors}${x.errorSamples.length ? ` (${x.errorSamples[0]})` : ''} (load avg ${load.at(-1)!.toFixed(1)})`);
        }
      }
      const etcd = medianResult(rounds.etcd);
      const barn = medianResult(rounds.barn);
      cells.push({ size, concurrency, etcd, barn, rounds, loadavg: load, throughputRatio: barn.putsPerSec / etcd.putsPerSec, p99Ratio: barn.p99Ms / etcd.p99Ms });
    }
  }
  return cells;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** One LoadResult standing for several rounds: medians of rates and percentiles, sums of counts. */
export function medianResult(rs: readonly LoadResult[]): LoadResult {
  const first = rs[0]!;
  if (rs.length === 1) return first;
  return {
    kind: first.kind,
    concurrency: first.concurrency,
    ok: rs.reduce((a, r) => a + r.ok, 0),
    errors: rs.reduce((a, r) => a + r.errors, 0),
    seconds: rs.reduce((a, r) => a + r.seconds, 0),
    putsPerSec: median(rs.map((r) => r.putsPerSec)),
    p50Ms: median(rs.map((r) => r.p50Ms)),
    p99Ms: median(rs.map((r) => r.p99Ms)),
    maxMs: Math.max(...rs.map((r) => r.maxMs)),
    errorSamples: [...new Set(rs.flatMap((r) => r.errorSamples))].slice(0, 5),
    windowStartUs: first.windowStartUs,
    windowEndUs: rs.at(-1)!.windowEndUs,
  };
}
