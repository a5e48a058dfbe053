// One server process under test (an etcd member or a Barn node) and the running cluster they form. Servers
// are started detached from the benchmark's stdio (output goes to a log file next to their data dir) and are
// always stopped by pid: SIGTERM, then SIGKILL after a grace period.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';

export type SystemKind = 'etcd' | 'barn';

export interface ServerProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  readonly dataDir: string;
  readonly logFile: string;
  /** Client URL (http://127.0.0.1:port). */
  readonly url: string;
}

export interface RunningCluster {
  readonly kind: SystemKind;
  readonly members: readonly ServerProcess[];
  /** Bearer token for Barn; undefined for etcd (no auth). */
  readonly token?: string;
  /** Stops every member (graceful first); resolves when all have exited. */
  stop(): Promise<void>;
}

export function spawnServer(name: string, cmd: string, args: readonly string[], opts: { dataDir: string; logFile: string; url: string; cwd?: string }): ServerProcess {
  const fd = openSync(opts.logFile, 'a');
  const child = spawn(cmd, args, { cwd: opts.cwd, stdio: ['ignore', fd, fd], env: process.env });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`could not start ${name}: ${cmd}`);
  return { name, child, pid: child.pid, dataDir: opts.dataDir, logFile: opts.logFile, url: opts.url };
}

/** SIGTERM, wait up to `graceMs` for exit, then SIGKILL. Resolves with the exit code (or signal name). */
export async function stopServer(s: ServerProcess, graceMs = 15_000): Promise<string> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return String(s.child.exitCode ?? s.child.signalCode);
  const exited = new Promise<string>((resolve) => s.child.once('exit', (code, signal) => resolve(String(code ?? signal))));
  s.child.kill('SIGTERM');
  const timer = setTimeout(() => s.child.kill('SIGKILL'), graceMs);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `check` every 100 ms until it returns true; throws after `timeoutMs` with `what` in the message. */
export async function waitUntil(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${last})` : ''}`);
}

export function assertAlive(members: readonly ServerProcess[]): void {
  for (const m of members) {
    if (m.child.exitCode !== null || m.child.signalCode !== null) {
      throw new Error(`${m.name} exited (${m.child.exitCode ?? m.child.signalCode}); see ${m.logFile}`);
    }
  }
}
