// What a follower catching up through a snapshot costs the leader's clients: starts a fresh 3-node Barn cluster
// (`runi barn start` processes, fsync on), writes 20,000 puts over 10,000 keys, stops one follower (SIGSTOP),
// writes 60,000 more (past a snapshot at 50,000 entries and the log compacted behind it, so the follower can
// only be sent a snapshot), then resumes it while one client writes to the leader one value at a time for 6 s.
// Prints that client's p50 / p99 / max and its five slowest writes, and when the follower had caught up. Until
// stop 19 the leader encoded the snapshot on its event loop (docs/performance.md, "Stop 19").
//
//   node --import tsx bench/barn/snapshot-stall.ts [ROUNDS=1]        data under /tmp, removed afterwards
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { BARN_TOKEN, barnStatus, startBarnCluster } from './barn-cluster.ts';
import { runLoad } from './load-spec.ts';
import { percentile } from './percentile.ts';

const PROBE_MS = 6_000;

async function round(r: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'barn-snapshot-stall-'));
  const cluster = await startBarnCluster(3, dir);
  try {
    const leaderId = (await barnStatus(cluster.members[0]!.url)).leader;
    const leader = cluster.members.find((m) => m.name === leaderId)!;
    const follower = cluster.members.find((m) => m.name !== leaderId)!;
    const load = (totalWrites: number) => runLoad({ kind: 'barn', endpoints: [leader.url], token: BARN_TOKEN, concurrency: 64, keys: 10_000, valueBytes: 256, totalWrites });
    await load(20_000);
    process.kill(follower.pid, 'SIGSTOP');
    await load(60_000);
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // the leader's snapshot copy and log compaction
    const target = (await barnStatus(leader.url)).appliedIndex;
    const pool = new Pool(leader.url, { connections: 1 });
    const body = JSON.stringify({ value: 'x'.repeat(256) });
    const latencies: number[] = [];
    let caughtUpMs: number | undefined;
    let lastCheck = 0;
    const t0 = performance.now();
    process.kill(follower.pid, 'SIGCONT');
    for (let i = 0; performance.now() - t0 < PROBE_MS; i++) {
      const s = performance.now();
      const res = await pool.request({ path: `/v1/kv/probe${i % 100}`, method: 'PUT', headers: { authorization: `Bearer ${BARN_TOKEN}`, 'content-type': 'application/json' }, body });
      await res.body.dump();
      if (res.statusCode !== 200) throw new Error(`PUT to the leader: ${res.statusCode}`);
      latencies.push(performance.now() - s);
      if (caughtUpMs === undefined && performance.now() - lastCheck > 50) {
        lastCheck = performance.now();
        const st = await barnStatus(follower.url).catch(() => undefined);
        if (st !== undefined && st.appliedIndex >= target) caughtUpMs = performance.now() - t0;
      }
    }
    await pool.close();
    const sorted = Float64Array.from(latencies).sort();
    const slowest = [...sorted.slice(-5)].reverse().map((ms) => ms.toFixed(1));
    console.log(`round ${r}: ${latencies.length} writes to the leader, p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms, max ${sorted.at(-1)!.toFixed(1)} ms (slowest ${slowest.join(', ')}); the follower caught up after ${caughtUpMs === undefined ? `more than ${PROBE_MS}` : caughtUpMs.toFixed(0)} ms`);
  } finally {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const rounds = Number(process.argv[2] ?? 1);
for (let r = 1; r <= rounds; r++) await round(r);
