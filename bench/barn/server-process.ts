// One server process under test (an etcd member or a Barn node) and the running cluster they form. Servers
// are started detached from the benchmark's stdio (output goes to a log file next to their data dir) and are
// always stopped by pid: SIGTERM, then SIGKILL after a grace period. A server still running when the benchmark's
// process exits (a crash, an uncaught error) is killed then: one left behind kept a 3-node cluster busy for an
// hour and skewed every later figure (docs/performance.md, stop 17); `strayServers` finds such leftovers.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync, readdirSync } from 'node:fs';

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

/** `env`: added to this process's environment for the server. */
export function spawnServer(name: string, cmd: string, args: readonly string[], opts: { dataDir: string; logFile: string; url: string; cwd?: string; env?: Readonly<Record<string, string>> }): ServerProcess {
  const fd = openSync(opts.logFile, 'a');
  const child = spawn(cmd, args, { cwd: opts.cwd, stdio: ['ignore', fd, fd], env: { ...process.env, ...opts.env } });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`could not start ${name}: ${cmd}`);
  live.add(child);
  child.once('exit', () => live.delete(child));
  return { name, child, pid: child.pid, dataDir: opts.dataDir, logFile: opts.logFile, url: opts.url };
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Processes on this machine, other than `except`, that look like servers under test (`runi… barn start` or
 * etcd): a benchmark run beside them measures their load too. */
export function strayServers(except: readonly number[] = []): { pid: number; command: string }[] {
  const found: { pid: number; command: string }[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid || except.includes(pid)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
    } catch {
      continue; // gone meanwhile, or not ours to read
    }
    const barn = argv.some((a, i) => a === 'barn' && argv[i + 1] === 'start');
    const etcd = argv[0] !== undefined && /(^|\/)etcd$/.test(argv[0]);
    if (barn || etcd) found.push({ pid, command: argv.join(' ').slice(0, 200) });
  }
  return found;
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

/** Throws when servers under test from elsewhere are running (strayServers), unless BARN_BENCH_ALLOW_OTHERS=1:
 * their load would skew every figure of the run. */
export function assertNoStrayServers(): void {
  const strays = strayServers();
  if (strays.length === 0 || process.env['BARN_BENCH_ALLOW_OTHERS'] === '1') return;
  const list = strays.map((s) => `  ${s.pid}: ${s.command}`).join('\n');
  throw new Error(`other servers are running on this machine, and their load would skew every figure:\n${list}\nstop them (kill ${strays.map((s) => s.pid).join(' ')}) or set BARN_BENCH_ALLOW_OTHERS=1 to measure anyway`);
}
