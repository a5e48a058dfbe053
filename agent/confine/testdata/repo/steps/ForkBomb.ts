// ForkBomb — a real recursive shell fork bomb, bounded in time: killed after 3 seconds (its leftovers die
// with the slice's pid namespace and cgroup). Reports how the shell ended.
// The outer shell forks exactly once, for the bomb's subshell, before any bomb process exists, and then `exec`s
// its sleep: it needs no fork once pids.max is full, so the kernel's refusals cannot end it early. (With the bomb
// started at the top level, dash forks once per side of `b | b &`; when the first side filled pids.max before the
// second fork, the outer shell exited with "Cannot fork" after a second and the test saw no SIGKILL.)
import { spawnSync } from 'node:child_process';

export default function forkBomb(record: Record<string, unknown>): Record<string, unknown> {
  const r = spawnSync('/bin/sh', ['-c', '(b() { b | b & }; b) & exec sleep 5'], { timeout: 3000, killSignal: 'SIGKILL', stdio: 'ignore' });
  return { ...record, signal: r.signal, status: r.status };
}
