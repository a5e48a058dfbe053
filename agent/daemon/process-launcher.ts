// SliceLauncher over plain child processes: each slice is `node --import tsx slice-main.ts <slot dir>` in its own
// process group (detached), so that it survives an agent crash and a later sweep can stop it and everything it
// forked (e.g. @parallel workers) with one group signal. The only file of agent/daemon/ that spawns processes.
// No confinement here (cgroups, namespaces and uid are agent/confine/'s job); the environment is an allowlist.
//
// A @stream slice whose source is `stdin:` reads a FIFO in its slot folder (an event relay writes into it). The
// FIFO is opened read-write and handed to the slice as fd 0, so the slice always holds a writer itself: its input
// never ends while no relay is connected, and only a stop ends the stream.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LaunchRequest, LeftoverSlice, SliceExit, SliceHandle, SliceLauncher } from './slice-launcher.ts';
import { readJson, readLineage, slicesDir, slotDir, SLOT_FILES, writeJsonAtomic } from './slot-files.ts';

export const SLICE_MAIN = fileURLToPath(new URL('./slice-main.ts', import.meta.url));
const ENV_ALLOWLIST = ['PATH', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'HOME'];

export function processLauncher(dataRoot: string): SliceLauncher {
  return {
    launch: (request) => launch(dataRoot, request),
    sweep: (graceMs) => sweep(dataRoot, graceMs),
    release: async (runId) => rm(slotDir(dataRoot, runId), { recursive: true, force: true }),
  };
}

async function launch(dataRoot: string, request: LaunchRequest): Promise<SliceHandle> {
  const dir = slotDir(dataRoot, request.runId);
  await mkdir(dir, { recursive: true });
  await mkdir(request.dataRoot, { recursive: true });
  await writeJsonAtomic(join(dir, SLOT_FILES.request), request);
  const fds: number[] = [];
  try {
    const streamsStdin = request.scenario.trigger.kind === 'stream' && request.scenario.sources.some((s) => s.uri.startsWith('stdin:'));
    if (streamsStdin) {
      execFileSync('mkfifo', ['-m', '0600', join(dir, SLOT_FILES.stdin)]);
      fds.push(openSync(join(dir, SLOT_FILES.stdin), constants.O_RDWR));
    }
    const log = openSync(join(dir, SLOT_FILES.log), 'a');
    fds.push(log);
    const env = Object.fromEntries(ENV_ALLOWLIST.flatMap((k) => (process.env[k] === undefined ? [] : [[k, process.env[k]!]])));
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), SLICE_MAIN, dir], {
      detached: true,
      cwd: dir,
      env,
      stdio: [streamsStdin ? fds[0]! : 'ignore', log, log],
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    const pid = child.pid!;
    let done = false;
    let stopping = false;
    const exited = new Promise<SliceExit>((resolve) => {
      child.once('exit', (code, signal) => {
        done = true;
        void exitOf(dir, code, signal, stopping ? 'stopped' : 'crashed').then(resolve);
      });
    });
    return {
      runId: request.runId,
      pid,
      exited,
      stop(graceMs) {
        if (done) return;
        stopping = true;
        signalGroup(pid, 'SIGTERM');
        const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
        void exited.then(() => clearTimeout(timer));
      },
      lineage: (from) => readLineage(join(dir, SLOT_FILES.lineage), from),
    };
  } finally {
    for (const fd of fds) closeSync(fd);
  }
}

/** The outcome from result.json; without one, the process died: ABORT if it was stopped or swept, else a crash. */
async function exitOf(dir: string, exitCode: number | null, signal: string | null, how: 'crashed' | 'stopped' | 'swept'): Promise<SliceExit> {
  const result = await readJson<{ status: SliceExit['status']; error?: SliceExit['error']; stats?: SliceExit['stats'] }>(join(dir, SLOT_FILES.result));
  if (result !== undefined) return { ...result, exitCode, signal };
  if (how === 'stopped') return { status: 'ABORT', error: { code: 'AGENT_SLICE_STOPPED', message: 'the slice was stopped before it reported a result' }, exitCode, signal };
  if (how === 'swept') return { status: 'ABORT', error: { code: 'AGENT_SLICE_LOST', message: 'the agent restarted and the slice was killed before it reported' }, exitCode, signal };
  const ended = signal === null ? `exit code ${exitCode}` : `signal ${signal}`;
  return { status: 'FAIL', error: { code: 'AGENT_SLICE_CRASHED', message: `the slice process ended with ${ended} before reporting a result (see ${join(dir, SLOT_FILES.log)})` }, exitCode, signal };
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Slice processes of this data root by slot folder: every live process whose command line is slice-main.ts <slot>. */
export async function sliceProcesses(dataRoot: string): Promise<Map<string, number[]>> {
  const prefix = `${slicesDir(dataRoot)}/`;
  const found = new Map<string, number[]>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const argv = await readFile(`/proc/${name}/cmdline`, 'utf8').then((t) => t.split('\0'), (): string[] => []);
    const i = argv.indexOf(SLICE_MAIN);
    const dir = i >= 0 ? argv[i + 1] : undefined;
    if (dir === undefined || !dir.startsWith(prefix) || !(await isLive(Number(name)))) continue;
    found.set(dir, [...(found.get(dir) ?? []), Number(name)]);
  }
  return found;
}

/** Alive and not a zombie (an orphan's zombie may linger when PID 1 does not reap). */
async function isLive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return false;
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X';
}

async function sweep(dataRoot: string, graceMs: number): Promise<LeftoverSlice[]> {
  const procs = await sliceProcesses(dataRoot);
  const slots = await readdir(slicesDir(dataRoot)).catch(() => [] as string[]);
  const dirs = new Set([...slots.map((s) => join(slicesDir(dataRoot), s)), ...procs.keys()]);
  const leftovers: LeftoverSlice[] = [];
  for (const dir of [...dirs].sort()) {
    const pids = procs.get(dir) ?? [];
    for (const pid of pids) signalGroup(pid, 'SIGTERM');
    if (!(await gone(pids, graceMs))) {
      for (const pid of pids) signalGroup(pid, 'SIGKILL');
      await gone(pids, 5000);
    }
    const request = await readJson<LaunchRequest>(join(dir, SLOT_FILES.request));
    if (request === undefined) {
      await rm(dir, { recursive: true, force: true });
      continue;
    }
    const exit = await exitOf(dir, null, pids.length > 0 ? 'SIGTERM' : null, 'swept');
    leftovers.push({ request, wasRunning: pids.length > 0, exit, lineage: await readLineage(join(dir, SLOT_FILES.lineage), 0) });
  }
  return leftovers;
}

async function gone(pids: readonly number[], ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    const live = await Promise.all(pids.map(isLive));
    if (!live.some(Boolean)) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
}
