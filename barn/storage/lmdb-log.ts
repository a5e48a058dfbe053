// The Raft log table and its in-memory shape (LogState). Layout: the `log` database holds the entries
// (offsetIndex, lastIndex] in chunks of consecutive entries (log-chunk.ts), each keyed by the u64 index of its
// first entry; the chunks are contiguous, and the first may begin at or below offsetIndex (compaction drops a
// chunk once all its entries are compacted: the ones below the offset are dead). `meta/log-offset` holds the
// "dummy" (offsetIndex, offsetTerm): the last compacted entry, or the snapshot the log was reset to.
// firstIndex = offsetIndex + 1. Entries written before chunks are chunks of one (log-chunk.ts).
//
// Ownership: the writers here (append/reset/compact) must run inside the store's write transaction and return
// the LogState to install AFTER that transaction commits; the state passed in is never mutated, so an aborted
// transaction leaves the cache exactly as it was.
import type { Entry } from '../raft/types.ts';
import { CompactedError, UnavailableError } from '../raft/storage.ts';
import { decodeEntry, decodeEntryTerm, decodeJson, encodeJson, readU64Key, u64Key } from './codec.ts';
import { STORAGE_ERRORS, storageError } from './errors.ts';
import { META, type StoreDbs } from './lmdb-env.ts';
import { chunkCount, decodeChunk, encodeChunk, forEachRaw, splitChunks } from './log-chunk.ts';
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
  const starts: number[] = [];
  let next: number | undefined;
  for (const { key, value } of dbs.log.getRange({})) {
    const start = readU64Key(key);
    const end = start + chunkCount(value, start) - 1;
    const hole = next === undefined ? start > offset.index + 1 : start !== next;
    if (hole || end <= offset.index) {
      throw storageError(
        STORAGE_ERRORS.CORRUPT,
        `the Raft log is not contiguous: a chunk holds entries ${start} to ${end}, after ${next === undefined ? `offset ${offset.index}` : `entry ${next - 1}`}`,
        { offsetIndex: offset.index, start, end },
      );
    }
    starts.push(start);
    next = end + 1;
  }
  const lastIndex = next === undefined ? offset.index : next - 1;
  const runs = buildRuns(offset.index + 1, lastIndex, (i) => storedTerm(dbs, holderOf(starts, i), i));
  return { offsetIndex: offset.index, offsetTerm: offset.term, lastIndex, runs };
}

/** The greatest start ≤ i (starts ascending, starts[0] ≤ i). */
function holderOf(starts: readonly number[], i: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] as number) <= i) lo = mid;
    else hi = mid - 1;
  }
  return starts[lo] as number;
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
  const from = chunkStartAt(dbs, lo);
  let size = 0;
  let full = false;
  if (from !== undefined) {
    for (const { key, value } of dbs.log.getRange({ start: u64Key(from), end: u64Key(hi) })) {
      const start = readU64Key(key);
      if (start > lo + out.length) break; // a hole: reported below
      forEachRaw(value, start, (raw, index) => {
        if (index < lo + out.length) return true;
        if (index >= hi) return false;
        const entry = decodeEntry(raw, index);
        size += entry.data.byteLength;
        if (out.length > 0 && size > maxBytes) {
          full = true;
          return false;
        }
        out.push(entry);
        return true;
      });
      if (full || out.length === hi - lo) return out;
    }
  }
  throw storageError(STORAGE_ERRORS.CORRUPT, `log entry ${lo + out.length} is missing`, { index: lo + out.length });
}

/** The key of the chunk holding entry i (the greatest key ≤ i), if any. */
function chunkStartAt(dbs: StoreDbs, i: number): number | undefined {
  for (const key of dbs.log.getKeys({ start: u64Key(i), reverse: true, limit: 1 })) return readU64Key(key);
  return undefined;
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
  if (plan.start <= state.lastIndex) removeFrom(dbs, state, plan.start);
  for (const chunk of splitChunks(plan.fresh)) dbs.log.putSync(u64Key((chunk[0] as Entry).index), encodeChunk(chunk));
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
  if (state.lastIndex > state.offsetIndex) removeFrom(dbs, state, 0);
  writeOffset(dbs, { index, term });
  return resetShape(index, term);
}

/** Drops entries ≤ index, keeping index's term as the new offset. The caller checks offsetIndex < index ≤ lastIndex. */
export function compactLog(dbs: StoreDbs, state: LogState, index: number): LogState {
  const term = logTerm(state, index);
  removeChunksThrough(dbs, state, index);
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

/** Drops the entries from `start` on (start ≤ lastIndex): the chunk holding `start` keeps the entries before it,
 * or goes too when those are all compacted (no chunk may end at or below the offset). */
function removeFrom(dbs: StoreDbs, state: LogState, start: number): void {
  const holder = chunkStartAt(dbs, start);
  if (holder !== undefined && holder < start) {
    if (start - 1 <= state.offsetIndex) dbs.log.removeSync(u64Key(holder));
    else {
      const value = dbs.log.getBinary(u64Key(holder));
      if (value === undefined) throw storageError(STORAGE_ERRORS.CORRUPT, `log chunk ${holder} vanished`, { index: holder });
      dbs.log.putSync(u64Key(holder), encodeChunk(decodeChunk(value, holder, holder, start)));
    }
  }
  for (const key of [...dbs.log.getKeys({ start: u64Key(start) })]) dbs.log.removeSync(key);
}

/** Drops every chunk whose entries are all ≤ index; the one holding index + 1 stays whole. */
function removeChunksThrough(dbs: StoreDbs, state: LogState, index: number): void {
  const keys = [...dbs.log.getKeys({ end: u64Key(index + 2) })].map(readU64Key); // starts ≤ index + 1
  const last = keys.pop();
  if (last === undefined) return;
  for (const k of keys) dbs.log.removeSync(u64Key(k)); // each ends before the next start, so at most at index
  let end = state.lastIndex;
  for (const key of dbs.log.getKeys({ start: u64Key(last + 1), limit: 1 })) end = readU64Key(key) - 1;
  if (end <= index) dbs.log.removeSync(u64Key(last));
}

function writeOffset(dbs: StoreDbs, offset: LogOffset): void {
  dbs.meta.putSync(META.logOffset, encodeJson(offset));
}

/** The term of entry i, read from the chunk starting at `start`. */
function storedTerm(dbs: StoreDbs, start: number, i: number): number {
  const raw = dbs.log.getBinary(u64Key(start));
  if (raw === undefined) throw storageError(STORAGE_ERRORS.CORRUPT, `log entry ${i} is missing`, { index: i });
  let term: number | undefined;
  forEachRaw(raw, start, (entry, index) => {
    if (index === i) term = decodeEntryTerm(entry, index);
    return index < i;
  });
  if (term === undefined) throw storageError(STORAGE_ERRORS.CORRUPT, `log entry ${i} is missing`, { index: i });
  return term;
}
