// One cgroup per slice (edge: writes /sys/fs/cgroup). v1: a directory `runink/<name>` in each of the memory,
// cpu and pids hierarchies below our own cgroup; v2: one directory `runink/<name>` below ours. The sandbox
// wrapper joins it by writing its own pid into every `cgroup.procs` before it execs the sandbox, so every
// process of the slice is inside from its first instruction.
// Contract: `remove()` kills whatever is still inside (SIGKILL, repeated until empty) before rmdir, so a
// removed cgroup never leaves a process behind; it is idempotent.
import { type Dirent, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CgroupHost } from './host.ts';
import type { CgroupCounters, CgroupLimits } from './types.ts';

const CPU_PERIOD_US = 100_000;

export interface Cgroup {
  readonly version: 'v1' | 'v2';
  readonly name: string;
  /** The `cgroup.procs` files the sandbox wrapper writes its pid into. */
  readonly procsFiles: readonly string[];
  setLimits(limits: CgroupLimits): void;
  counters(): CgroupCounters;
  /** Pids currently inside. */
  pids(): number[];
  rename(name: string): Cgroup;
  remove(): Promise<void>;
}

/** What to write for a memory limit: a herd without a memory quota (0) means no limit — never a limit of 0
 * bytes, which would OOM-kill the runtime before it starts. */
export function memoryLimitValue(memoryMax: number, version: 'v1' | 'v2'): string {
  if (memoryMax > 0) return String(memoryMax);
  return version === 'v1' ? '-1' : 'max';
}

export function cgroupDirs(host: CgroupHost, name: string): string[] {
  switch (host.version) {
    case 'v1':
      return [join(host.dirs.memory, name), join(host.dirs.cpu, name), join(host.dirs.pids, name)];
    case 'v2':
      return [join(host.dir, name)];
  }
}

/** Names of the runink cgroups that exist now (union over the hierarchies). */
export function listCgroups(host: CgroupHost): string[] {
  const roots = host.version === 'v1' ? [host.dirs.memory, host.dirs.cpu, host.dirs.pids] : [host.dir];
  const names = new Set<string>();
  for (const root of roots) {
    for (const e of safeReaddir(root)) if (e.isDirectory()) names.add(e.name);
  }
  return [...names].sort();
}

export function createCgroup(host: CgroupHost, name: string, limits: CgroupLimits): Cgroup {
  const dirs = cgroupDirs(host, name);
  for (const d of dirs) mkdirSync(d, { recursive: true }); // cgroupfs creates the control files
  const cg = openCgroup(host, name);
  cg.setLimits(limits);
  return cg;
}

export function openCgroup(host: CgroupHost, name: string): Cgroup {
  const dirs = cgroupDirs(host, name);
  const file = (i: number, f: string): string => join(dirs[i]!, f);
  return {
    version: host.version,
    name,
    procsFiles: dirs.map((d) => join(d, 'cgroup.procs')),
    setLimits(limits) {
      switch (host.version) {
        case 'v1':
          // memory ≤ memsw at every moment: raising needs memsw first, lowering memory first
          tryWrite(file(0, 'memory.memsw.limit_in_bytes'), memoryLimitValue(limits.memoryMax, 'v1'));
          writeFileSync(file(0, 'memory.limit_in_bytes'), memoryLimitValue(limits.memoryMax, 'v1'));
          tryWrite(file(0, 'memory.memsw.limit_in_bytes'), memoryLimitValue(limits.memoryMax, 'v1'));
          writeFileSync(file(1, 'cpu.cfs_period_us'), String(CPU_PERIOD_US));
          writeFileSync(file(1, 'cpu.cfs_quota_us'), String(limits.cpuMillis > 0 ? Math.max(1000, Math.round((limits.cpuMillis * CPU_PERIOD_US) / 1000)) : -1));
          writeFileSync(file(2, 'pids.max'), String(limits.pidsMax));
          return;
        case 'v2':
          writeFileSync(file(0, 'memory.max'), memoryLimitValue(limits.memoryMax, 'v2'));
          tryWrite(file(0, 'memory.swap.max'), '0');
          writeFileSync(file(0, 'cpu.max'), limits.cpuMillis > 0 ? `${Math.max(1000, Math.round((limits.cpuMillis * CPU_PERIOD_US) / 1000))} ${CPU_PERIOD_US}` : `max ${CPU_PERIOD_US}`);
          writeFileSync(file(0, 'pids.max'), String(limits.pidsMax));
          return;
      }
    },
    counters() {
      switch (host.version) {
        case 'v1':
          return {
            oomKills: keyed(readOr(file(0, 'memory.oom_control')), 'oom_kill'),
            memoryFailcnt: Number(readOr(file(0, 'memory.failcnt')).trim() || 0),
            pidsMaxHits: keyed(readOr(file(2, 'pids.events')), 'max'),
          };
        case 'v2': {
          const events = readOr(file(0, 'memory.events'));
          return { oomKills: keyed(events, 'oom_kill'), memoryFailcnt: keyed(events, 'max'), pidsMaxHits: keyed(readOr(file(0, 'pids.events')), 'max') };
        }
      }
    },
    pids() {
      const all = new Set<number>();
      for (const d of dirs) for (const p of readOr(join(d, 'cgroup.procs')).split('\n')) if (p.trim() !== '') all.add(Number(p));
      return [...all];
    },
    rename(next) {
      const to = cgroupDirs(host, next);
      dirs.forEach((d, i) => renameSync(d, to[i]!));
      return openCgroup(host, next);
    },
    async remove() {
      for (let attempt = 0; attempt < 200; attempt++) {
        if (host.version === 'v2') tryWrite(join(dirs[0]!, 'cgroup.kill'), '1');
        for (const pid of this.pids()) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
        let left = 0;
        for (const d of dirs) {
          if (!existsSync(d)) continue;
          try {
            rmdirSync(d);
          } catch {
            left++;
          }
        }
        if (left === 0) return;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`cgroup runink/${name} could not be removed: processes keep running in it`);
    },
  };
}

function keyed(text: string, key: string): number {
  const m = new RegExp(`^${key} (\\d+)$`, 'm').exec(text);
  return m === null ? 0 : Number(m[1]);
}

function readOr(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function tryWrite(file: string, value: string): void {
  try {
    writeFileSync(file, value);
  } catch {
    // optional control file (no swap accounting, no cgroup.kill)
  }
}

function safeReaddir(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}
