// Where Barn's time goes: one Barn cluster under the same put load as a matrix cell, with every node started
// under `node --cpu-prof`. Nodes are stopped with SIGTERM (runi barn start exits cleanly, so V8 writes the
// profile); the leader's profile is summarised (profile-summary.ts) over the measured load window only (no
// start-up, no warm-up). The throughput of a profiled run is
// lower than the matrix's (the profiler costs a little) and is reported only as context.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { barnStatus, startBarnCluster } from './barn-cluster.ts';
import { runLoad, type LoadResult } from './load-spec.ts';
import { summarise, type ProfileSummary } from './profile-summary.ts';

export interface ProfileOptions {
  readonly size: number;
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly keys: number;
  readonly valueBytes: number;
  readonly workDir: string;
  /** Where the .cpuprofile files are kept (they are not deleted). */
  readonly profileDir: string;
}

export interface ProfileRun {
  readonly size: number;
  readonly concurrency: number;
  readonly leader: string;
  readonly load: LoadResult;
  readonly summary: ProfileSummary;
}

export async function runProfile(o: ProfileOptions): Promise<ProfileRun> {
  const dir = join(o.workDir, `profile-x${o.size}`);
  rmSync(dir, { recursive: true, force: true });
  const profDirs = Array.from({ length: o.size }, (_, i) => join(o.profileDir, `barn-x${o.size}-c${o.concurrency}-n${i + 1}`));
  for (const d of profDirs) {
    rmSync(d, { recursive: true, force: true });
    mkdirSync(d, { recursive: true });
  }
  // Every node gets its own profile dir: pass the flag per node by starting the cluster with a placeholder.
  const cluster = await startBarnCluster(o.size, dir, { nodeFlags: ['--cpu-prof', '--cpu-prof-dir', join(o.profileDir, `barn-x${o.size}-c${o.concurrency}-{id}`)] });
  let leader = '';
  let load: LoadResult;
  try {
    leader = (await barnStatus(cluster.members[0]!.url)).leader;
    load = await runLoad({ kind: 'barn', endpoints: cluster.members.map((m) => m.url), token: cluster.token!, concurrency: o.concurrency, keys: o.keys, valueBytes: o.valueBytes, warmupMs: o.warmupMs, durationMs: o.durationMs });
  } finally {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const leaderDir = join(o.profileDir, `barn-x${o.size}-c${o.concurrency}-${leader}`);
  const file = readdirSync(leaderDir).find((f) => f.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error(`no .cpuprofile in ${leaderDir} (did ${leader} exit cleanly?)`);
  const window = { fromUs: load.windowStartUs, toUs: load.windowEndUs };
  return { size: o.size, concurrency: o.concurrency, leader, load, summary: summarise(join(leaderDir, file), 25, window) };
}
