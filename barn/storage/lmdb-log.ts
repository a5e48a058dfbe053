// The Raft log table and its in-memory shape (LogState). Layout: the `log` database holds exactly the entries
// (offsetIndex, lastIndex], keyed by u64 index; `meta/log-offset` holds the "dummy" (offsetIndex, offsetTerm):
// the last compacted entry, or the snapshot the log was reset to. firstIndex = offsetIndex + 1.
//
// Ownership: the writers here (append/reset/compact) must run inside the store's write transaction and return
// the LogState to install AFTER that transaction commits; the state passed in is never mutated, so an aborted
// transaction leaves the cache exactly as it was.
import type { Entry } from '../raft/types.ts';
import { CompactedError, UnavailableError } from '../raft/storage.ts';
import { decodeEntry, decodeEntryTerm, decodeJson, encodeEntry, encodeJson, readU64Key, u64Key } from './codec.ts';
import { STORAGE_ERRORS, storageError } from './errors.ts';
import { META, type StoreDbs } from './lmdb-env.ts';
import { appendRuns, buildRuns, dropRunsBefore, termAt, truncateRuns, type TermRuns } from './term-runs.ts';

export interface LogState {
  readonly offsetIndex: number;
  readonly offsetTerm: number;
  readonly lastIndex: number;
  /** Terms of the entries (offsetIndex, lastIndex]. */
  readonly runs: TermRuns;
}

interface LogOffset {
  readonly index: number;
  readonly term: number;
}

/** Reads the log's shape at open and checks it is contiguous (no holes, nothing outside the bounds). */
export function loadLog(dbs: StoreDbs): LogState {
  const raw = dbs.meta.getBinary(META.logOffset);
  const offset = raw === undefined ? { index: 0, term: 0 } : decodeJson<LogOffset>(raw, 'log offset');
  let lastIndex = offset.index;
  for (const key of dbs.log.getKeys({ reverse: true, limit: 1 })) lastIndex = readU64Key(key);
  let firstKey: number | undefined;
  for (const key of dbs.log.getKeys({ limit: 1 })) firstKey = readU64Key(key);
  const count = (dbs.log.getStats() as { entryCount: number }).entryCount;
  const expected = lastIndex - offset.index;
  if (count !== expected || (count > 0 && firstKey !== offset.index + 1)) {
    throw storageError(
      STORAGE_ERRORS.CORRUPT,
      `the Raft log is not contiguous: ${count} entries between ${firstKey ?? '-'} and ${lastIndex}, after offset ${offset.index}`,
      { offsetIndex: offset.index, firstKey, lastIndex, count },
    );
  }
  const runs = buildRuns(offset.index + 1, lastIndex, (i) => storedTerm(dbs, i));
  return { offsetIndex: offset.index, offsetTerm: offset.term, lastIndex, runs };
}

/** RaftStorage.term over the cached state: no disk access. */
export function logTerm(state: LogState, i: number): number {
  if (i < state.offsetIndex) throw new CompactedError(i);
  if (i > state.lastIndex) throw new UnavailableError(i);
  if (i === state.offsetIndex) return state.offsetTerm;
  const term = termAt(state.runs, i);
  if (term === undefined) throw storageError(STORAGE_ERRORS.CORRUPT, `no term known for entry ${i}`, { index: i });
  return term;
}

/** RaftStorage.entries: [lo, hi), the first entry always, then entries while the total size ≤ maxBytes. Size is
 * payload bytes (`data.byteLength`), the unit the Raft core uses for maxSizePerMsg (raft/limit-size.ts), so an
 * empty entry always fits. */
export function readEntries(dbs: StoreDbs, state: LogState, lo: number, hi: number, maxBytes: number): Entry[] {
  if (lo <= state.offsetIndex) throw new CompactedError(lo);
  if (hi > state.lastIndex + 1) throw new UnavailableError(hi - 1);
  const out: Entry[] = [];
  if (hi <= lo) return out;
  let size = 0;
  for (const { key, value } of dbs.log.getRange({ start: u64Key(lo), end: u64Key(hi) })) {
    const expected = lo + out.length;
    if (readU64Key(key) !== expected) break;
    const entry = decodeEntry(value, expected);
    size += entry.data.byteLength;
    if (out.length > 0 && size > maxBytes) return out;
    out.push(entry);
  }
  if (out.length !== hi - lo) {
    throw storageError(STORAGE_ERRORS.CORRUPT, `log entry ${lo + out.length} is missing`, { index: lo + out.length });
  }
  return out;
}

/** Appends entries after etcd's rules: entries at or below offsetIndex are skipped, an existing suffix from the
 * first new index on is replaced (the conflicting suffix is truncated), a hole after lastIndex is an error. */
export function appendEntries(dbs: StoreDbs, state: LogState, entries: readonly Entry[]): LogState {
  return appendPlanned(dbs, state, planAppend(state, entries));
}

/** What appending entries does to a log, decided without writing: from `start` on, `fresh` replaces the log. */
export interface AppendPlan {
  readonly start: number;
  readonly fresh: readonly Entry[];
  readonly next: LogState;
}

/** Writes a plan made by planAppend against exactly `state`; returns the log after it. */
export function appendPlanned(dbs: StoreDbs, state: LogState, plan: AppendPlan | undefined): LogState {
  if (plan === undefined) return state;
  removeRange(dbs, plan.start, state.lastIndex);
  for (const e of plan.fresh) dbs.log.putSync(u64Key(e.index), encodeEntry(e));
  return plan.next;
}

/** The checks and the resulting shape of appendEntries, without writing (undefined: nothing to append). Throws
 * LOG_GAP or TERM_REGRESSION. */
export function planAppend(state: LogState, entries: readonly Entry[]): AppendPlan | undefined {
  checkContiguous(entries);
  const first = entries[0];
  if (first === undefined) return undefined;
  const lastNew = first.index + entries.length - 1;
  if (lastNew <= state.offsetIndex) return undefined;
  const fresh = first.index <= state.offsetIndex ? entries.slice(state.offsetIndex + 1 - first.index) : entries;
  const start = (fresh[0] as Entry).index;
  if (start > state.lastIndex + 1) {
    throw storageError(
      STORAGE_ERRORS.LOG_GAP,
      `cannot append entry ${start}: the log ends at ${state.lastIndex}`,
      { index: start, lastIndex: state.lastIndex },
    );
  }
  const kept = truncateRuns(state.runs, start);
  const previousTerm = start - 1 === state.offsetIndex ? state.offsetTerm : termAt(kept, start - 1);
  const firstTerm = (fresh[0] as Entry).term;
  if (previousTerm !== undefined && firstTerm < previousTerm) {
    throw storageError(
      STORAGE_ERRORS.TERM_REGRESSION,
      `entry ${start} has term ${firstTerm}, lower than the term ${previousTerm} of entry ${start - 1}`,
      { index: start, term: firstTerm, previousTerm },
    );
  }
  return { start, fresh, next: { ...state, lastIndex: lastNew, runs: appendRuns(kept, fresh) } };
}

/** The shape resetLog gives, without writing. */
export function resetShape(index: number, term: number): LogState {
  return { offsetIndex: index, offsetTerm: term, lastIndex: index, runs: [] };
}

/** Drops every entry and makes (index, term) the new offset: the log now starts right after a snapshot. */
export function resetLog(dbs: StoreDbs, state: LogState, index: number, term: number): LogState {
  removeRange(dbs, state.offsetIndex + 1, state.lastIndex);
  writeOffset(dbs, { index, term });
  return resetShape(index, term);
}

/** Drops entries ≤ index, keeping index's term as the new offset. The caller checks offsetIndex < index ≤ lastIndex. */
export function compactLog(dbs: StoreDbs, state: LogState, index: number): LogState {
  const term = logTerm(state, index);
  removeRange(dbs, state.offsetIndex + 1, index);
  writeOffset(dbs, { index, term });
  return { offsetIndex: index, offsetTerm: term, lastIndex: state.lastIndex, runs: dropRunsBefore(state.runs, index + 1) };
}

function checkContiguous(entries: readonly Entry[]): void {
  for (let k = 1; k < entries.length; k++) {
    const prev = entries[k - 1] as Entry;
    const cur = entries[k] as Entry;
    if (cur.index !== prev.index + 1) {
      throw storageError(
        STORAGE_ERRORS.LOG_GAP,
        `entries to append are not contiguous: ${cur.index} follows ${prev.index}`,
        { index: cur.index, previous: prev.index },
      );
    }
  }
}

function removeRange(dbs: StoreDbs, from: number, to: number): void {
  for (let i = from; i <= to; i++) dbs.log.removeSync(u64Key(i));
}

function writeOffset(dbs: StoreDbs, offset: LogOffset): void {
  dbs.meta.putSync(META.logOffset, encodeJson(offset));
}

function storedTerm(dbs: StoreDbs, i: number): number {
  const raw = dbs.log.getBinary(u64Key(i));
  if (raw === undefined) throw storageError(STORAGE_ERRORS.CORRUPT, `log entry ${i} is missing`, { index: i });
  return decodeEntryTerm(raw, i);
}
