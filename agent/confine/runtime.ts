// One confined runtime process (edge: spawns): scratch dir + cgroup + sandbox + `child-entry.mjs`, and the
// pipe to it. Used cold by launch.ts and pre-started by warm-pool.ts. Single use: one runtime runs one slice
// and exits. `cleanup()` is idempotent and always runs after the process ended (or to discard an idle warm
// runtime): it reads the cgroup counters, removes the cgroup (killing anything left inside), then the
// scratch dir.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { lines, writeText } from '../slice/line-reader.ts';
import { createCgroup, type Cgroup } from './cgroup.ts';
import type { HostCaps } from './host.ts';
import type { ConfinePlan } from './plan.ts';
import { prepareRuntime, removeScratch, type PrepareRequest } from './prepare.ts';
import { decodeChild, encode, type ChildMessage, type ParentMessage } from './protocol.ts';
import { sandboxCommand, type SandboxLayout } from './sandbox-argv.ts';
import type { CgroupCounters, CgroupLimits } from './types.ts';

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly spawnError?: string;
}

export interface Runtime {
  readonly plan: ConfinePlan;
  readonly layout: SandboxLayout;
  readonly child: ChildProcess;
  /** Resolves true on {ready}, false if the process ended first. */
  readonly ready: Promise<boolean>;
  readonly exited: Promise<Exit>;
  /** Resolves when the control pipe has ended (every message read). */
  readonly drained: Promise<void>;
  readonly cgroup: Cgroup | undefined;
  readonly id: string;
  /** Every message after {ready}; set by the launcher before it sends {init}. */
  onMessage: (m: ChildMessage) => void;
  /** First line that was not a protocol message. */
  readonly protocolError: string | undefined;
  setLimits(limits: CgroupLimits): void;
  send(m: ParentMessage): Promise<void>;
  kill(): void;
  cleanup(): Promise<CgroupCounters | undefined>;
}

export interface RuntimeOptions {
  readonly id?: string;
  readonly plan: ConfinePlan;
  readonly host: HostCaps;
  readonly limits: CgroupLimits;
  readonly stdio: 'inherit' | 'ignore';
  /** fd handed to the runtime as its fd 0 (overrides `stdio` for fd 0); duplicated by spawn, the caller keeps it. */
  readonly stdin?: number;
  readonly request: PrepareRequest;
}

export function startRuntime(o: RuntimeOptions): Runtime {
  const id = o.id ?? `w-${randomUUID()}`;
  const prepared = prepareRuntime(id, o.plan, o.request);
  const scratchDir = prepared.scratchDir;
  let cgroup: Cgroup | undefined; // assigned once, below
  try {
    if (o.plan.cgroup && o.host.cgroup !== undefined) cgroup = createCgroup(o.host.cgroup, id, o.limits);
  } catch (e) {
    removeScratch(scratchDir);
    throw e;
  }
  const cmd = sandboxCommand(o.plan, prepared.layout, o.host, cgroup?.procsFiles ?? []);
  const io = o.stdio === 'inherit' ? 'inherit' : 'ignore';
  const child = spawn(cmd.command, cmd.args, { cwd: prepared.layout.installRoot, env: { ...cmd.env }, stdio: [o.stdin ?? io, io, io, 'pipe'] });
  let spawnError: string | undefined;
  const exited = new Promise<Exit>((resolve) => {
    child.once('error', (e) => {
      spawnError = e.message;
      resolve({ code: null, signal: null, spawnError });
    });
    child.once('exit', (code, signal) => resolve(spawnError === undefined ? { code, signal } : { code, signal, spawnError }));
  });
  const pipe = child.stdio[3] as Duplex;
  pipe.on('error', () => undefined); // a dead child surfaces through `exited`
  let protocolError: string | undefined;
  let markReady: (ok: boolean) => void = () => undefined;
  const ready = new Promise<boolean>((resolve) => (markReady = resolve));
  void exited.then(() => markReady(false));
  let endPipe: () => void = () => undefined;
  const drained = new Promise<void>((resolve) => (endPipe = resolve));
  const rt: Runtime = {
    plan: o.plan,
    layout: prepared.layout,
    child,
    ready,
    exited,
    drained,
    cgroup,
    id,
    onMessage: () => undefined,
    get protocolError() {
      return protocolError;
    },
    setLimits(limits) {
      cgroup?.setLimits(limits);
    },
    send: (m) => writeText(pipe, encode(m)),
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      if (cgroup !== undefined) for (const pid of cgroup.pids()) killQuietly(pid);
    },
    cleanup: once(async () => {
      const counters = cgroup?.counters();
      rt.kill();
      await cgroup?.remove();
      removeScratch(scratchDir);
      return counters;
    }),
  };
  void (async () => {
    try {
      for await (const line of lines(pipe)) {
        const m = decodeChild(line);
        if (m === undefined) {
          protocolError ??= line.slice(0, 200);
          continue;
        }
        if ('ready' in m) markReady(true);
        else rt.onMessage(m);
      }
    } catch {
      // pipe broke: the exit tells what happened
    }
    endPipe();
  })();
  return rt;
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone
  }
}

function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= fn());
}
