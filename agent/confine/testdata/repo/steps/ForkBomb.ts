// ForkBomb — a real recursive shell fork bomb, bounded in time: killed after 3 seconds (its leftovers die
// with the slice's pid namespace and cgroup). Reports how the shell ended.
// The shell `exec`s its final sleep: it needs no fork of its own, so a full pids.max cannot end it early.
import { spawnSync } from 'node:child_process';

export default function forkBomb(record: Record<string, unknown>): Record<string, unknown> {
  const r = spawnSync('/bin/sh', ['-c', 'b() { b | b & }; b; exec sleep 5'], { timeout: 3000, killSignal: 'SIGKILL', stdio: 'ignore' });
  return { ...record, signal: r.signal, status: r.status };
}
