// The history format the linearizability checker reads: one record per client operation against Barn's
// key/value API, with the monotonic times the client sent the request (`call`) and saw the answer (`return`).
//
// Contract:
// - `call` is finite; `return`, when known, is ≥ `call`. Units are the recorder's (ns or ms), but one history
//   uses one clock.
// - `return === undefined` means the outcome is unknown (timeout, node died): the op may have taken effect at
//   any time after `call`, or never; its `output` is then undefined and ignored.
// - Ops that definitely did not happen (e.g. a 4xx validation error) are not in the history at all.
// - Every op touches exactly one key; `id`s are unique in a history.

export type OpKind = 'read' | 'write' | 'cas' | 'delete';
export type ClientId = string | number;

/** Sentinel for "the key does not exist" in a cas `expect`. Plain data, so it survives a JSON round trip. */
export const MISSING = Object.freeze({ $missing: true as const });
export type Missing = typeof MISSING;

export function isMissing(value: unknown): value is Missing {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (value as Record<string, unknown>).$missing === true;
}

export interface ReadOutput {
  /** The value read; ignored when `found` is false. */
  readonly value: unknown;
  readonly found: boolean;
}
export interface WriteInput {
  readonly value: unknown;
}
export interface WriteOutput {
  readonly ok: true;
  /** Store-wide revision of the write; recorded for diagnosis, not checked (revisions span keys). */
  readonly revision?: number;
}
export interface CasInput {
  /** Value the key must hold (deep equality) for the swap to happen, or MISSING: the key must not exist. */
  readonly expect: unknown;
  readonly value: unknown;
}
export interface CasOutput {
  /** false = the compare failed (HTTP 409) and nothing was written. */
  readonly ok: boolean;
}
export interface DeleteOutput {
  /** true = the delete was applied (the key is absent afterwards); false = the key did not exist. */
  readonly ok: boolean;
}

interface OpBase {
  readonly id: number;
  readonly client: ClientId;
  readonly key: string;
  readonly call: number;
  readonly return: number | undefined;
}
export interface ReadOp extends OpBase {
  readonly kind: 'read';
  readonly input: null;
  readonly output: ReadOutput | undefined;
}
export interface WriteOp extends OpBase {
  readonly kind: 'write';
  readonly input: WriteInput;
  readonly output: WriteOutput | undefined;
}
export interface CasOp extends OpBase {
  readonly kind: 'cas';
  readonly input: CasInput;
  readonly output: CasOutput | undefined;
}
export interface DeleteOp extends OpBase {
  readonly kind: 'delete';
  readonly input: null;
  readonly output: DeleteOutput | undefined;
}

export type Operation = ReadOp | WriteOp | CasOp | DeleteOp;

/** What the client asked for: an operation without its outcome. */
export type Invocation =
  | { readonly kind: 'read'; readonly input: null }
  | { readonly kind: 'write'; readonly input: WriteInput }
  | { readonly kind: 'cas'; readonly input: CasInput }
  | { readonly kind: 'delete'; readonly input: null };

export type Output = ReadOutput | WriteOutput | CasOutput | DeleteOutput;

/** Problems that make a history unusable (empty when it is well formed). */
export function validateHistory(ops: readonly Operation[]): string[] {
  const problems: string[] = [];
  const ids = new Set<number>();
  for (const op of ops) {
    if (ids.has(op.id)) problems.push(`op ${op.id}: duplicate id`);
    ids.add(op.id);
    if (!Number.isFinite(op.call)) problems.push(`op ${op.id}: call time ${op.call} is not finite`);
    if (op.return !== undefined && !(op.return >= op.call)) problems.push(`op ${op.id}: returns (${op.return}) before its call (${op.call})`);
    if (op.return !== undefined && !outputMatches(op)) problems.push(`op ${op.id}: ${op.kind} output ${JSON.stringify(op.output)} has the wrong shape`);
  }
  return problems;
}

function outputMatches(op: Operation): boolean {
  const out = op.output as unknown;
  if (out === null || typeof out !== 'object') return false;
  const o = out as Record<string, unknown>;
  switch (op.kind) {
    case 'read':
      return typeof o.found === 'boolean';
    case 'write':
      return o.ok === true;
    case 'cas':
    case 'delete':
      return typeof o.ok === 'boolean';
  }
}
