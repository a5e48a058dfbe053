// Entries (and whether the hard state) durable in the WAL are not yet written to the env: a Ready that applies
// nothing leaves its batch here instead of costing an env transaction of its own, and the next transaction that
// applies entries (or takes a snapshot, or compacts) writes it first. RaftStorage reads are served from here
// for indexes past the env's log. After a crash the env is caught up from the WAL (env-recovery.ts), so keeping
// these in memory loses nothing.
//
// Ownership: LmdbStore only. The entries are contiguous and follow the env's last index.
import { CompactedError, UnavailableError } from '../raft/storage.ts';
import type { Entry } from '../raft/types.ts';
import type { StoreDbs } from './lmdb-env.ts';
import { readEntries, type LogState } from './lmdb-log.ts';

/** Past this many entries or bytes the store writes the tail through instead of growing it. */
export const MAX_TAIL_ENTRIES = 1000;
export const MAX_TAIL_BYTES = 4 * 1024 * 1024;

export class LogTail {
  private list: Entry[] = [];
  private bytes = 0;
  /** The store's hard state is newer than the env's (the store writes its current one with the tail). */
  hardPending = false;

  get length(): number {
    return this.list.length;
  }

  /** Anything to write: entries or a hard state. */
  get held(): boolean {
    return this.list.length > 0 || this.hardPending;
  }

  get full(): boolean {
    return this.list.length >= MAX_TAIL_ENTRIES || this.bytes >= MAX_TAIL_BYTES;
  }

  /** Entries from `start` on replace what the tail holds from there (a conflicting suffix); `start` is at most one
   * past the tail's end and after the env's last index (the caller checks). */
  append(envLastIndex: number, start: number, fresh: readonly Entry[]): void {
    const keep = start - envLastIndex - 1;
    if (keep < this.list.length) {
      for (const e of this.list.slice(keep)) this.bytes -= e.data.byteLength;
      this.list.length = keep;
    }
    for (const e of fresh) {
      this.list.push(e);
      this.bytes += e.data.byteLength;
    }
  }

  /** The entries with index in [lo, hi), `lo` past the env's last index. */
  slice(envLastIndex: number, lo: number, hi: number): Entry[] {
    return this.list.slice(lo - envLastIndex - 1, hi - envLastIndex - 1);
  }

  /** The entries to write, in order (unchanged until clear()). */
  get entries(): readonly Entry[] {
    return this.list;
  }

  /** After the tail was written to the env. */
  clear(): void {
    this.list = [];
    this.bytes = 0;
    this.hardPending = false;
  }
}

/** RaftStorage.entries over the env's log (`envLog`) followed by the tail: `log` is the whole log's shape. */
export function readThroughTail(dbs: StoreDbs, envLog: LogState, log: LogState, tail: LogTail, lo: number, hi: number, maxBytes: number): Entry[] {
  const envEnd = envLog.lastIndex + 1;
  if (hi <= envEnd || tail.length === 0) return readEntries(dbs, log, lo, hi, maxBytes);
  if (lo <= log.offsetIndex) throw new CompactedError(lo);
  if (hi > log.lastIndex + 1) throw new UnavailableError(hi - 1);
  const out = lo < envEnd ? readEntries(dbs, envLog, lo, envEnd, maxBytes) : [];
  if (out.length < envEnd - lo) return out; // the size limit was reached inside the env
  let size = out.reduce((n, e) => n + e.data.byteLength, 0);
  for (const e of tail.slice(envLog.lastIndex, Math.max(lo, envEnd), hi)) {
    size += e.data.byteLength;
    if (out.length > 0 && size > maxBytes) break;
    out.push(e);
  }
  return out;
}
