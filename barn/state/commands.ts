// The commands Barn replicates through Raft: plain JSON data, a tagged union on `type`. A command is encoded
// once by the proposer (encodeCommand) and decoded by every replica when the entry commits (decodeCommand);
// decoding is total — malformed bytes become a data error, so apply never throws on a bad payload.
import type { StateError } from './errors.ts';
import { stateError } from './errors.ts';
import { MAX_COMMAND_BYTES } from './limits.ts';
import { validateCommand } from './validate-command.ts';

export { MAX_COMMAND_BYTES, MAX_KEY_BYTES, MAX_TXN_OPS, MAX_VALUE_BYTES, MAX_VALUE_DEPTH } from './limits.ts';

/** Write `value` at `key`. `ifRevision`: the key's modRevision must equal it (0 = the key must not exist). */
export interface PutCommand {
  readonly type: 'put';
  readonly key: string;
  readonly value: unknown;
  readonly ifRevision?: number;
}

/** Delete `key` (deleting a missing key succeeds and writes nothing). `ifRevision` as for put. */
export interface DeleteCommand {
  readonly type: 'delete';
  readonly key: string;
  readonly ifRevision?: number;
}

/** Delete every key that starts with `prefix` (non-empty). */
export interface DeleteRangeCommand {
  readonly type: 'delete-range';
  readonly prefix: string;
}

/** If every compare holds, apply `success`, else `failure`; all ops of the branch share one revision. */
export interface TxnCommand {
  readonly type: 'txn';
  readonly compare: readonly Compare[];
  readonly success: readonly Op[];
  readonly failure: readonly Op[];
}

/** Drop history below `revision` (records keep their latest value). */
export interface CompactCommand {
  readonly type: 'compact';
  readonly revision: number;
}

export type Command = PutCommand | DeleteCommand | DeleteRangeCommand | TxnCommand | CompactCommand;
export type CommandType = Command['type'];

/** Ops inside a txn: the write commands without `ifRevision` (conditions belong in `compare`). */
export type Op =
  | { readonly type: 'put'; readonly key: string; readonly value: unknown }
  | { readonly type: 'delete'; readonly key: string }
  | { readonly type: 'delete-range'; readonly prefix: string };

export type CompareOp = '=' | '!=' | '<' | '>';
export type RevisionTarget = 'modRevision' | 'createRevision' | 'version';

/**
 * One condition of a txn, on one key. A missing key has modRevision = createRevision = version = 0, and every
 * `value` compare on a missing key is false (even `!=`), as in etcd.
 */
export type Compare =
  | { readonly key: string; readonly target: 'value'; readonly op: CompareOp; readonly value: unknown }
  | { readonly key: string; readonly target: RevisionTarget; readonly op: CompareOp; readonly value: number }
  | { readonly key: string; readonly target: 'exists' | 'missing' };

export function encodeCommand(command: Command): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(command));
}

export type DecodeResult = { readonly ok: true; readonly command: Command } | StateError;

/** Shared by every decode: a non-streaming decode() keeps no state between calls, and a fatal error throws
 * before anything is returned, so reuse cannot leak one command's bytes into the next. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Total: never throws. Checks size, UTF-8, JSON, shape and limits (see validateCommand). */
export function decodeCommand(data: Uint8Array): DecodeResult {
  if (data.length > MAX_COMMAND_BYTES) {
    return stateError('BARN_COMMAND_TOO_LARGE', `command is ${data.length} bytes; the limit is ${MAX_COMMAND_BYTES}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(UTF8.decode(data));
  } catch {
    return stateError('BARN_INVALID_COMMAND', 'command is not valid UTF-8 JSON');
  }
  return validateCommand(parsed);
}
