// The CPU every member of a cluster spends per write under load, for etcd or Barn: puts/s, p50 and p99, and
// user + system µs per acknowledged write for each member (from /proc, over the measured window). Where the
// matrix says "slower", this says whether it is CPU and on which member (docs/performance.md).
//
//   node --import tsx bench/barn/cpu-per-write.ts barn|etcd SIZE IN_FLIGHT [SECONDS=5]
//
// A fresh cluster under /tmp, the load spread over every member as in the matrix, 256-byte values.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BARN_TOKEN } from './barn-cluster.ts';
import { runLoad } from './load-spec.ts';
import { cpuTime, type CpuTime } from './proc-stats.ts';
import type { SystemKind } from './server-process.ts';
import { start } from './throughput.ts';

const WARMUP_MS = 1500;

const [kindArg, sizeArg, inFlightArg, secondsArg] = process.argv.slice(2);
if (kindArg !== 'barn' && kindArg !== 'etcd') throw new Error('usage: cpu-per-write.ts barn|etcd SIZE IN_FLIGHT [SECONDS]');
const kind: SystemKind = kindArg;
const size = Number(sizeArg ?? 3);
const inFlight = Number(inFlightArg ?? 64);
const durationMs = Number(secondsArg ?? 5) * 1000;

const dir = mkdtempSync(join(tmpdir(), `cpu-per-write-${kind}-`));
const cluster = await start(kind, size, dir);
try {
  let before: CpuTime[] = [];
  // The load generator warms up for WARMUP_MS, then measures: CPU is read at the same two moments.
  const mark = setTimeout(() => (before = cluster.members.map((m) => cpuTime(m.pid))), WARMUP_MS);
  const res = await runLoad({
    kind,
    endpoints: cluster.members.map((m) => m.url),
    ...(kind === 'barn' ? { token: BARN_TOKEN } : {}),
    concurrency: inFlight,
    keys: 10_000,
    valueBytes: 256,
    warmupMs: WARMUP_MS,
    durationMs,
  });
  clearTimeout(mark);
  const after = cluster.members.map((m) => cpuTime(m.pid));
  const writes = res.ok;
  const perWrite = (ms: number): string => ((ms * 1000) / writes).toFixed(0);
  const members = cluster.members.map((m, i) => `${m.name} ${perWrite(after[i]!.userMs - before[i]!.userMs)} user + ${perWrite(after[i]!.systemMs - before[i]!.systemMs)} sys`);
  const total = after.reduce((sum, a, i) => sum + a.userMs + a.systemMs - before[i]!.userMs - before[i]!.systemMs, 0);
  console.log(`${kind} x${size}, ${inFlight} in flight: ${res.putsPerSec.toFixed(0)} puts/s, p50 ${res.p50Ms.toFixed(1)} ms, p99 ${res.p99Ms.toFixed(1)} ms, ${res.errors} errors`);
  console.log(`CPU µs per write: ${members.join(' / ')}; all members ${perWrite(total)} (load average ${loadavg()[0]!.toFixed(1)})`);
} finally {
  await cluster.stop();
  rmSync(dir, { recursive: true, force: true });
}
