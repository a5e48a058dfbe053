// The error catalogue of barn/storage: every failure is a RuninkError with one of these stable codes and
// structured data. Codes are part of the API (the CLI and HTTP layers map them); messages are for people.
import { RuninkError } from '../../common/error.ts';

export const STORAGE_ERRORS = {
  /** The data dir belongs to another cluster or node. Nothing on disk was changed. */
  CLUSTER_MISMATCH: 'BARN_STORAGE_CLUSTER_MISMATCH',
  /** The data dir was written by an incompatible store format. */
  FORMAT_UNSUPPORTED: 'BARN_STORAGE_FORMAT_UNSUPPORTED',
  /** Another live process (or this one) already has the data dir open. */
  LOCKED: 'BARN_STORAGE_LOCKED',
  /** openStore was called with unusable options (empty ids). */
  INVALID_OPTIONS: 'BARN_STORAGE_INVALID_OPTIONS',
  /** The store was used after close(). */
  CLOSED: 'BARN_STORAGE_CLOSED',
  /** Appended entries would leave a hole after lastIndex, or are not contiguous. */
  LOG_GAP: 'BARN_STORAGE_LOG_GAP',
  /** Appended entries have a term lower than the entry before them (a Raft log's terms never decrease). */
  TERM_REGRESSION: 'BARN_STORAGE_TERM_REGRESSION',
  /** A hard state's commit index is beyond the log. */
  COMMIT_OUT_OF_RANGE: 'BARN_STORAGE_COMMIT_OUT_OF_RANGE',
  /** A snapshot is not newer than the one already stored. The Raft module's code (raft/memory-storage.ts), so
   * both storages fail the same way. */
  SNAPSHOT_OUT_OF_DATE: 'RAFT_SNAP_OUT_OF_DATE',
  /** saveSnapshot at an index beyond the log, or with a term that disagrees with the log. */
  SNAPSHOT_INVALID: 'BARN_STORAGE_SNAPSHOT_INVALID',
  /** compact(index) beyond lastIndex or beyond the latest snapshot. */
  COMPACT_OUT_OF_RANGE: 'BARN_STORAGE_COMPACT_OUT_OF_RANGE',
  /** On-disk data that violates the store's invariants (bad encoding, holes in the log). */
  CORRUPT: 'BARN_STORAGE_CORRUPT',
  /** A KV history read from a revision that was compacted away. The state machine's own code (barn/state/errors.ts),
   * so MemoryBackend and the LMDB store fail the same way; data carries `compactedRevision`. */
  HISTORY_COMPACTED: 'BARN_COMPACTED',
  /** appendEvent with a revision lower than the last event's (history is kept in revision order). */
  HISTORY_ORDER: 'BARN_STORAGE_HISTORY_ORDER',
  /** A write to the write-ahead log failed part-way; the store refuses further writes until it is reopened. */
  WAL_FAILED: 'BARN_STORAGE_WAL_FAILED',
  /** A KV key longer than LMDB allows. */
  KEY_TOO_LARGE: 'BARN_STORAGE_KEY_TOO_LARGE',
  /** A write transaction was started inside another one (persist or kv.write). */
  NESTED_WRITE: 'BARN_STORAGE_NESTED_WRITE',
  /** A kv.write callback returned a promise: writes are synchronous so they stay one transaction. */
  ASYNC_WRITE: 'BARN_STORAGE_ASYNC_WRITE',
  /** A KvWriter was used after its transaction ended. */
  WRITER_CLOSED: 'BARN_STORAGE_WRITER_CLOSED',
  /** A local snapshot was abandoned (or its store closed) while its bytes were being written. */
  SNAPSHOT_ABANDONED: 'BARN_STORAGE_SNAPSHOT_ABANDONED',
} as const;

export type StorageErrorCode = (typeof STORAGE_ERRORS)[keyof typeof STORAGE_ERRORS];

export function storageError(
  code: StorageErrorCode,
  message: string,
  data: Record<string, unknown> = {},
  cause?: unknown,
): RuninkError {
  return new RuninkError(code, message, data, cause === undefined ? undefined : { cause });
}
