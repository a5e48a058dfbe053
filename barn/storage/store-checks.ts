// What LmdbStore checks before it writes anything, each failure as the storage error that says what is wrong
// and what to do; and the snapshot's metadata in the env's meta table. Pure over their arguments (the meta
// helpers read or write the table in the caller's transaction).
import { EMPTY_CONF_STATE } from '../raft/conf-state.ts';
import type { HardState, SnapshotMetadata } from '../raft/types.ts';
import { decodeJson, encodeJson } from './codec.ts';
import { STORAGE_ERRORS, storageError } from './errors.ts';
import { META, type StoreDbs } from './lmdb-env.ts';
import { logTerm, type LogState } from './lmdb-log.ts';

/** The metadata of no snapshot yet (index 0): what a store without `snapshot-meta` has. */
export const EMPTY_SNAPSHOT_META: SnapshotMetadata = { index: 0, term: 0, confState: EMPTY_CONF_STATE };

export function checkNewerSnapshot(index: number, current: SnapshotMetadata): void {
  if (index > current.index) return;
  throw storageError(STORAGE_ERRORS.SNAPSHOT_OUT_OF_DATE, `snapshot at index ${index} is older than the current one at ${current.index}`, { index, current: current.index });
}

/** A snapshot the state machine took must sit on the log: index ≤ lastIndex, with that entry's term. */
export function checkSnapshotOnLog(index: number, term: number, log: LogState): void {
  if (index <= log.lastIndex && logTerm(log, index) === term) return;
  throw storageError(STORAGE_ERRORS.SNAPSHOT_INVALID, `snapshot at ${index} (term ${term}) does not match the log (last index ${log.lastIndex})`, { index, term, lastIndex: log.lastIndex });
}

export function checkCommitInLog(hardState: HardState | undefined, log: LogState): void {
  if (hardState === undefined || hardState.commit <= log.lastIndex) return;
  throw storageError(STORAGE_ERRORS.COMMIT_OUT_OF_RANGE, `hard state commit ${hardState.commit} is beyond the last log index ${log.lastIndex}`, { commit: hardState.commit, lastIndex: log.lastIndex });
}

/** Compaction drops entries ≤ index: only those a snapshot covers, and only entries that exist. */
export function checkCompactable(index: number, log: LogState, snapshotIndex: number): void {
  if (index <= log.lastIndex && index <= snapshotIndex) return;
  throw storageError(
    STORAGE_ERRORS.COMPACT_OUT_OF_RANGE,
    `cannot compact to ${index}: the log ends at ${log.lastIndex} and the latest snapshot is at ${snapshotIndex} (save a snapshot covering ${index} first)`,
    { index, lastIndex: log.lastIndex, snapshotIndex },
  );
}

export function writeSnapshotMeta(dbs: StoreDbs, metadata: SnapshotMetadata): void {
  dbs.meta.putSync(META.snapshotMeta, encodeJson(metadata));
  dbs.meta.removeSync(META.snapshotData); // the bytes of a snapshot from before snapshot files, if any
}

export function readMeta<T>(dbs: StoreDbs, key: string, what: string): T | undefined {
  const raw = dbs.meta.getBinary(key);
  return raw === undefined ? undefined : decodeJson<T>(raw, what);
}
