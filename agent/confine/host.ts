// What this machine offers for confinement, probed once per process (edge: reads /proc and /sys, runs the
// sandbox tools once with /bin/true). The plan (plan.ts) decides from this plain record.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type CgroupHost =
  | { readonly version: 'v1'; readonly dirs: { readonly memory: string; readonly cpu: string; readonly pids: string } }
  | { readonly version: 'v2'; readonly dir: string };

export interface HostCaps {
  readonly linux: boolean;
  readonly root: boolean;
  readonly uid: number;
  /** bwrap path when a probe sandbox ran. */
  readonly bwrap?: string;
  readonly unshare?: string;
  readonly setpriv?: string;
  /** Where runink cgroups live (`…/runink`), when we can create them. */
  readonly cgroup?: CgroupHost;
}

const CGROUP_MOUNT = '/sys/fs/cgroup';
let cached: HostCaps | undefined;

export function probeHost(): HostCaps {
  cached ??= probe();
  return cached;
}

function probe(): HostCaps {
  const linux = process.platform === 'linux';
  const uid = process.getuid?.() ?? -1;
  const root = uid === 0;
  if (!linux) return { linux, root, uid };
  const bwrap = which('bwrap');
  const unshare = which('unshare');
  const setpriv = which('setpriv');
  const bwrapArgs = [...(root ? [] : ['--unshare-user']), '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-net', '--ro-bind', '/', '/', '--proc', '/proc', '--dev', '/dev', '/bin/true'];
  const bwrapOk = bwrap !== undefined && spawnSync(bwrap, bwrapArgs, { stdio: 'ignore', timeout: 10_000 }).status === 0;
  const unshareOk = root && unshare !== undefined && spawnSync(unshare, ['--pid', '--fork', '--kill-child', '--mount-proc', '--ipc', '--uts', '--net', '/bin/true'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
  const cgroup = root ? probeCgroup() : undefined;
  return {
    linux,
    root,
    uid,
    ...(bwrapOk ? { bwrap } : {}),
    ...(unshareOk ? { unshare } : {}),
    ...(setpriv !== undefined ? { setpriv } : {}),
    ...(cgroup !== undefined ? { cgroup } : {}),
  };
}

function which(name: string): string | undefined {
  for (const dir of ['/usr/bin', '/bin', '/usr/sbin', '/sbin', '/usr/local/bin']) {
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // next
    }
  }
  return undefined;
}

/** Our own cgroup per hierarchy, from /proc/self/cgroup: `controller list → path`. */
function ownCgroups(): Map<string, string> {
  const own = new Map<string, string>();
  for (const line of readFileSync('/proc/self/cgroup', 'utf8').split('\n')) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line);
    if (m === null) continue;
    for (const c of m[1]!.split(',')) own.set(c, m[2]!);
  }
  return own;
}

function probeCgroup(): CgroupHost | undefined {
  try {
    const own = ownCgroups();
    // v2: a unified mount at /sys/fs/cgroup whose subtree (our cgroup) delegates memory, cpu and pids.
    if (existsSync(join(CGROUP_MOUNT, 'cgroup.controllers'))) {
      const mine = join(CGROUP_MOUNT, own.get('') ?? '/');
      const enabled = readFileSync(join(mine, 'cgroup.subtree_control'), 'utf8').split(/\s+/);
      if (!['memory', 'cpu', 'pids'].every((c) => enabled.includes(c))) return undefined;
      const dir = join(mine, 'runink');
      mkdirSync(dir, { recursive: true });
      try {
        writeControl(join(dir, 'cgroup.subtree_control'), '+memory +cpu +pids');
      } catch {
        return undefined;
      }
      return { version: 'v2', dir };
    }
    const dirs: Record<'memory' | 'cpu' | 'pids', string> = { memory: '', cpu: '', pids: '' };
    for (const c of ['memory', 'cpu', 'pids'] as const) {
      const mount = join(CGROUP_MOUNT, c);
      if (!existsSync(join(mount, 'cgroup.procs'))) return undefined;
      const dir = join(mount, own.get(c) ?? '/', 'runink');
      mkdirSync(dir, { recursive: true });
      dirs[c] = dir;
    }
    return { version: 'v1', dirs };
  } catch {
    return undefined;
  }
}

function writeControl(file: string, value: string): void {
  writeFileSync(file, value);
  const got = readFileSync(file, 'utf8');
  for (const v of value.split(' ')) if (!got.includes(v.slice(1))) throw new Error(`cannot enable ${v} in ${file}`);
}
