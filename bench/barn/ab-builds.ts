// Alternating A/B of Barn builds on one machine: for each round, each build in turn starts a fresh cluster from
// its own checkout (its bench/barn/barn-cluster.ts spawns its own bin/runi.mjs) and takes the same load as a
// matrix cell. Alternating rounds spread the machine's drift over every build, which is what a change of a
// few percent needs on a shared VM (docs/performance.md). Prints puts/s, p99 and the CPU all members spent
// per write, per round and per build.
//
//   git worktree add --detach /tmp/ab/base HEAD~1 && ln -s "$PWD/node_modules" /tmp/ab/base/node_modules
//   node --import tsx bench/barn/ab-builds.ts SIZE IN_FLIGHT ROUNDS /tmp/ab/base "$PWD" [SECONDS=4]   (after a 10 s warm-up)
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLoad } from './load-spec.ts';
import { cpuMs } from './proc-stats.ts';
import { assertNoStrayServers, type RunningCluster } from './server-process.ts';

interface BarnClusterModule {
  readonly BARN_TOKEN: string;
  startBarnCluster(size: number, dir: string): Promise<RunningCluster>;
}

// The matrix's warm-up (V8 optimizes the hot paths meanwhile; README, "Warm-up"); BARN_AB_WARMUP_S changes it.
const WARMUP_MS = Number(process.env['BARN_AB_WARMUP_S'] ?? 10) * 1000;
const args = process.argv.slice(2);
const [size, inFlight, rounds] = args.slice(0, 3).map(Number) as [number, number, number];
const rest = args.slice(3);
const seconds = rest.length > 2 && /^\d+$/.test(rest.at(-1)!) ? Number(rest.pop()) : 4;
const builds = rest;
if (!(size > 0 && inFlight > 0 && rounds > 0) || builds.length < 2) throw new Error('usage: ab-builds.ts SIZE IN_FLIGHT ROUNDS DIR_A DIR_B [...] [SECONDS]');
assertNoStrayServers();

const cpuSum = (cluster: RunningCluster): number => cluster.members.reduce((sum, m) => sum + cpuMs(m.pid), 0);

const results = new Map<string, string[]>(builds.map((b) => [b, []]));
for (let round = 1; round <= rounds; round++) {
  for (const build of builds) {
    const mod = (await import(join(build, 'bench/barn/barn-cluster.ts'))) as BarnClusterModule;
    const dir = mkdtempSync(join(tmpdir(), 'barn-ab-'));
    const cluster = await mod.startBarnCluster(size, dir);
    try {
      let before = 0;
      const mark = setTimeout(() => (before = cpuSum(cluster)), WARMUP_MS);
      const res = await runLoad({ kind: 'barn', endpoints: cluster.members.map((m) => m.url), token: mod.BARN_TOKEN, concurrency: inFlight, keys: 10_000, valueBytes: 256, warmupMs: WARMUP_MS, durationMs: seconds * 1000 });
      clearTimeout(mark);
      const cpuPerWrite = ((cpuSum(cluster) - before) * 1000) / Math.max(1, res.ok);
      const line = `${res.putsPerSec.toFixed(0)} puts/s (p99 ${res.p99Ms.toFixed(1)} ms, ${cpuPerWrite.toFixed(0)} µs CPU per write)`;
      results.get(build)!.push(line);
      console.log(`round ${round} ${build}: ${line}, load average ${loadavg()[0]!.toFixed(1)}`);
    } finally {
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
for (const [build, lines] of results) console.log(`${build}: ${lines.join('; ')}`);
