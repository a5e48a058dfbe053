// Process and disk figures: a process's resident set (VmRSS from /proc/<pid>/status), the CPU time it used
// (/proc/<pid>/stat) and a directory's size. Linux only (reads /proc). All are point-in-time reads; a vanished
// pid or file reads as 0.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface Rss {
  /** VmRSS: everything resident, including file pages mapped by the process (LMDB maps its data file). */
  readonly total: number;
  /** RssAnon: heap, stacks, buffers — the process's own memory. */
  readonly anon: number;
  /** RssFile: resident pages of mapped files (for Barn, mostly LMDB's data.mdb; reclaimable page cache). */
  readonly file: number;
  /** Of `file`: resident pages of every mapping of a file named data.mdb (/proc/<pid>/smaps; LMDB's env). */
  readonly dataFile: number;
}

/** Resident memory of `pid` in bytes (all zero when the process is gone). */
export function rss(pid: number): Rss {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string): number => {
      const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB$`, 'm').exec(status);
      return m ? Number(m[1]) * 1024 : 0;
    };
    return { total: kb('VmRSS'), anon: kb('RssAnon'), file: kb('RssFile'), dataFile: mappedRss(pid, 'data.mdb') };
  } catch {
    return { total: 0, anon: 0, file: 0, dataFile: 0 };
  }
}

/** Sum of `Rss:` over the mappings of files whose name ends with `name` (a file mapped twice counts twice). */
function mappedRss(pid: number, name: string): number {
  let bytes = 0;
  let inside = false;
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) inside = line.trimEnd().endsWith(`/${name}`);
    else if (inside && line.startsWith('Rss:')) bytes += Number(/(\d+)/.exec(line)?.[1] ?? 0) * 1024;
  }
  return bytes;
}

export interface CpuTime {
  /** Milliseconds in user mode (utime; the kernel counts in ticks of 10 ms). */
  readonly userMs: number;
  /** Milliseconds in the kernel on the process's behalf (stime), e.g. syscalls, fdatasync. */
  readonly systemMs: number;
}

/** CPU time `pid` has used so far, all its threads together (zero when the process is gone). */
export function cpuTime(pid: number): CpuTime {
  try {
    // Fields after the command name, which is in parentheses and may contain spaces: utime and stime are the
    // 12th and 13th of them (proc(5) fields 14 and 15).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return { userMs: Number(fields[11]) * 10, systemMs: Number(fields[12]) * 10 };
  } catch {
    return { userMs: 0, systemMs: 0 };
  }
}

/** User + system milliseconds of `pid` so far. */
export function cpuMs(pid: number): number {
  const t = cpuTime(pid);
  return t.userMs + t.systemMs;
}

export interface DirSize {
  /** Sum of the files' apparent sizes (st_size). LMDB's data.mdb may be sparse, so this can exceed `allocated`. */
  readonly apparent: number;
  /** Bytes actually allocated on disk (st_blocks × 512). */
  readonly allocated: number;
}

/** Size of every regular file under `dir`, recursively. */
export function dirSize(dir: string): DirSize {
  let apparent = 0;
  let allocated = 0;
  const walk = (d: string): void => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const name of names) {
      const p = join(d, name);
      try {
        const st = statSync(p);
        if (st.isDirectory()) walk(p);
        else if (st.isFile()) {
          apparent += st.size;
          allocated += st.blocks * 512;
        }
      } catch {
        // removed while walking
      }
    }
  };
  walk(dir);
  return { apparent, allocated };
}

export function mb(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}
