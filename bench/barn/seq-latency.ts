// Latency and CPU cost of ONE write at a time, per member: starts a fresh Barn cluster (`runi barn start`
// processes, fsync on), sends N sequential puts (256-byte values) to each member in turn, and prints p50/p90 and
// the CPU time (user + system, from /proc) every member spent per write. Used to find where the 1-in-flight
// latency goes (docs/performance.md, "Barn").
//
//   node --import tsx bench/barn/seq-latency.ts [SIZE=3]        N=400 writes per member (env N), data under /tmp
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { BARN_TOKEN, barnStatus, startBarnCluster } from './barn-cluster.ts';
import { cpuMs } from './proc-stats.ts';

const WARMUP = 50;


const size = Number(process.argv[2] ?? 3);
const n = Math.max(WARMUP + 10, Number(process.env['N'] ?? 400));
const dir = mkdtempSync(join(tmpdir(), 'barn-seq-'));
const cluster = await startBarnCluster(size, dir);
try {
  const roles = await Promise.all(cluster.members.map(async (m) => (await barnStatus(m.url)).role));
  const body = JSON.stringify({ value: 'x'.repeat(256) });
  for (const [i, member] of cluster.members.entries()) {
    const pool = new Pool(member.url, { connections: 1 });
    const latencies: number[] = [];
    let before: number[] = [];
    for (let k = 0; k < n; k++) {
      if (k === WARMUP) before = cluster.members.map((m) => cpuMs(m.pid));
      const t0 = performance.now();
      const res = await pool.request({ path: `/v1/kv/k${k % 100}`, method: 'PUT', headers: { authorization: `Bearer ${BARN_TOKEN}`, 'content-type': 'application/json' }, body });
      await res.body.dump();
      if (res.statusCode !== 200) throw new Error(`PUT answered ${res.statusCode}`);
      if (k >= WARMUP) latencies.push(performance.now() - t0);
    }
    const cpu = cluster.members.map((m, j) => ((cpuMs(m.pid) - before[j]!) / (n - WARMUP)).toFixed(2)).join(' / ');
    await pool.close();
    latencies.sort((a, b) => a - b);
    const at = (q: number): string => latencies[Math.floor(latencies.length * q)]!.toFixed(2);
    console.log(`writes to ${member.name} (${roles[i]}): p50 ${at(0.5)} ms, p90 ${at(0.9)} ms; CPU ms per write on ${cluster.members.map((m) => m.name).join(' / ')}: ${cpu}`);
  }
} finally {
  await cluster.stop();
  rmSync(dir, { recursive: true, force: true });
}
