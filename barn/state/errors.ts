// The error catalogue of Barn's state machine. Every failure the state machine reports is data with one of
// these stable codes (the HTTP layer maps them to statuses in one place); none is thrown out of apply.
//
//   code                       meaning                                                    HTTP (suggested)
//   BARN_INVALID_COMMAND       payload is not a well-formed command (JSON, shape)         400
//   BARN_INVALID_KEY           key empty, not a string, or not well-formed Unicode        400
//   BARN_KEY_TOO_LARGE         key over MAX_KEY_BYTES (UTF-8)                             413
//   BARN_VALUE_TOO_LARGE       value over MAX_VALUE_BYTES (encoded JSON, UTF-8)           413
//   BARN_COMMAND_TOO_LARGE     whole encoded command over MAX_COMMAND_BYTES               413
//   BARN_TOO_MANY_OPS          txn over MAX_TXN_OPS compares or ops per branch            400
//   BARN_DUPLICATE_KEY         one txn branch writes the same key twice                   400
//   BARN_COMPARE_FAILED        put/delete ifRevision did not hold (`current` set)         409
//   BARN_COMPACTED             revision below the compaction point (`compactedRevision`)  410
//   BARN_FUTURE_REVISION       revision above the store's current revision                400
//   BARN_REVISION_UNAVAILABLE  read at an older revision (reads are at the latest)        409
//   BARN_INVALID_RANGE         range query without a prefix/start, with both, bad limit   400
//   BARN_WATCH_OVERFLOW        a paused watcher's buffer overflowed; re-watch             SSE close
//   BARN_BAD_SNAPSHOT          snapshot bytes are not a valid encoded KV snapshot         500
//   BARN_RESERVED_KEY          a client write touches Barn's own keys under /barn/        403
import type { KvRecord } from './backend.ts';

export type StateErrorCode =
  | 'BARN_INVALID_COMMAND'
  | 'BARN_INVALID_KEY'
  | 'BARN_KEY_TOO_LARGE'
  | 'BARN_VALUE_TOO_LARGE'
  | 'BARN_COMMAND_TOO_LARGE'
  | 'BARN_TOO_MANY_OPS'
  | 'BARN_DUPLICATE_KEY'
  | 'BARN_COMPARE_FAILED'
  | 'BARN_COMPACTED'
  | 'BARN_FUTURE_REVISION'
  | 'BARN_REVISION_UNAVAILABLE'
  | 'BARN_INVALID_RANGE'
  | 'BARN_WATCH_OVERFLOW'
  | 'BARN_BAD_SNAPSHOT'
  | 'BARN_RESERVED_KEY';

/** A failure as plain data. `current` is set for BARN_COMPARE_FAILED (null: the key does not exist);
 * `compactedRevision` for BARN_COMPACTED. */
export interface StateError {
  readonly ok: false;
  readonly code: StateErrorCode;
  readonly message: string;
  readonly current?: KvRecord | null;
  readonly compactedRevision?: number;
}

export function stateError(
  code: StateErrorCode,
  message: string,
  extra: { current?: KvRecord | null; compactedRevision?: number } = {},
): StateError {
  return { ok: false, code, message, ...extra };
}

