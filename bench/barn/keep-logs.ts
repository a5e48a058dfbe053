// When a measurement goes wrong (requests failed, or a member exited), the members' logs are the only record of
// why, and the cell's data dir is removed right after it. keepLogs copies every member's log, with how it ended,
// to a dir beside the work dir before that happens (stop 12: a 3 × 64 round failed 4,423 requests on a reset
// connection and the logs were gone).
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { RunningCluster } from './server-process.ts';

/** Copies the logs of `cluster` into `<dirname(workDir)>/kept/<label>-<time>/` with `exits.txt` (each member's
 * exit code or signal, or "running"). Returns that dir. */
export function keepLogs(cluster: RunningCluster, workDir: string, label: string, now = new Date()): string {
  const keep = join(dirname(workDir), 'kept', `${label}-${now.toISOString().replaceAll(':', '-')}`);
  mkdirSync(keep, { recursive: true });
  const exits = cluster.members.map((m) => `${m.name} ${m.child.exitCode ?? m.child.signalCode ?? 'running'}`);
  writeFileSync(join(keep, 'exits.txt'), `${exits.join('\n')}\n`);
  for (const m of cluster.members) if (existsSync(m.logFile)) copyFileSync(m.logFile, join(keep, basename(m.logFile)));
  return keep;
}

/** A member exited while it should have been serving. */
export function memberExited(cluster: RunningCluster): boolean {
  return cluster.members.some((m) => m.child.exitCode !== null || m.child.signalCode !== null);
}
