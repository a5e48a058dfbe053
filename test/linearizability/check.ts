// checkLinearizable: is a recorded key/value history linearizable against a sequential model?
//
// P-compositionality: a history is linearizable iff every per-key sub-history is, so each key is searched on
// its own (searches are exponential in the worst case, so small pieces matter). Keys are checked smallest
// first, so a violation on a small key is found before a big key eats the budget.
//
// Before searching, reads with unknown outcomes are dropped: they have no effect and constrain nothing.
// Other unknown-outcome ops stay: the search may linearize them anywhere after their call, or omit them.
//
// The budget is a number of search steps shared by all keys (no clock is read; `timeoutMs` is converted
// with `stepsPerMs`). Each key may use its fair share of what is left (keys checked earlier usually leave
// most of theirs to later ones), so one hard key cannot hide a violation on another. A violation on any key
// is the answer; otherwise, if some key ran out of steps, the answer is `ok: 'unknown'`.
import { validateHistory } from './history.ts';
import type { Operation } from './history.ts';
import type { Model } from './models.ts';
import { searchLinearization } from './search.ts';
import { formatOp } from './format-op.ts';

export interface CheckOptions {
  /** Search-step budget for the whole check (all keys). Default 20,000,000. Wins over `timeoutMs`. */
  readonly maxSteps?: number;
  /** A time budget expressed as steps: `timeoutMs × stepsPerMs` (no clock is read). */
  readonly timeoutMs?: number;
  /** Steps per millisecond assumed by `timeoutMs`. Default 2,000 (measured: 2,000–5,000 on one busy core). */
  readonly stepsPerMs?: number;
}

export interface Violation {
  readonly ok: false;
  readonly key: string;
  readonly model: string;
  /** The longest sequence of this key's ops the search could linearize, in linearization order. */
  readonly longestPrefix: Operation[];
  /** The model state after `longestPrefix`, described. */
  readonly stateAfterPrefix: string;
  /** The known-outcome ops that could have come next after `longestPrefix` (called before the earliest
   * return among the rest), in call order, each with whether the model refuses it in `stateAfterPrefix` (if
   * not, every way on from it failed further down). Unknown-outcome ops are left out: they may be omitted. */
  readonly pending: PendingOp[];
  /** This key's whole sub-history as checked (unknown reads dropped), in call order. */
  readonly keyHistory: Operation[];
  readonly reason: string;
}

export interface PendingOp {
  readonly op: Operation;
  readonly refused: boolean;
}

export interface Undecided {
  readonly ok: 'unknown';
  /** The keys whose search ran out of steps. */
  readonly keys: string[];
  readonly reason: string;
}

export type CheckResult = { readonly ok: true } | Violation | Undecided;

export const DEFAULT_MAX_STEPS = 20_000_000;
export const DEFAULT_STEPS_PER_MS = 2_000;

/** Throws on a malformed history (duplicate ids, return before call, wrong output shape): a harness bug. */
export function checkLinearizable<S>(ops: readonly Operation[], model: Model<S>, options: CheckOptions = {}): CheckResult {
  const problems = validateHistory(ops);
  if (problems.length > 0) throw new Error(`malformed history:\n  ${problems.slice(0, 20).join('\n  ')}`);
  const parts = partitionByKey(ops);
  let remaining = stepBudget(options);
  const undecided: Array<[string, number]> = [];
  for (const [i, [key, keyOps]] of parts.entries()) {
    const outcome = searchLinearization(keyOps, model, Math.floor(remaining / (parts.length - i)));
    remaining -= outcome.steps;
    switch (outcome.kind) {
      case 'linearizable':
        break;
      case 'violation':
        return violation(key, keyOps, model, outcome.prefix, outcome.state);
      case 'budget-exhausted':
        undecided.push([key, keyOps.length]);
        break;
    }
  }
  if (undecided.length === 0) return { ok: true };
  const which = undecided.map(([key, n]) => `${JSON.stringify(key)} (${n} ops)`).join(', ');
  return { ok: 'unknown', keys: undecided.map(([key]) => key), reason: `step budget exhausted before deciding ${which}; no other key violates` };
}

export function stepBudget(options: CheckOptions): number {
  if (options.maxSteps !== undefined) return options.maxSteps;
  if (options.timeoutMs !== undefined) return Math.floor(options.timeoutMs * (options.stepsPerMs ?? DEFAULT_STEPS_PER_MS));
  return DEFAULT_MAX_STEPS;
}

/** Per-key sub-histories in call order (unknown reads dropped), smallest key first, ties by key. */
export function partitionByKey(ops: readonly Operation[]): Array<[string, Operation[]]> {
  const byKey = new Map<string, Operation[]>();
  for (const op of ops) {
    if (op.kind === 'read' && op.return === undefined) continue;
    const list = byKey.get(op.key);
    if (list === undefined) byKey.set(op.key, [op]);
    else list.push(op);
  }
  const parts = [...byKey.entries()];
  for (const [, list] of parts) list.sort((a, b) => a.call - b.call || a.id - b.id);
  return parts.sort(([ka, a], [kb, b]) => a.length - b.length || (ka < kb ? -1 : ka > kb ? 1 : 0));
}

function violation<S>(key: string, keyOps: Operation[], model: Model<S>, prefix: number[], state: S): Violation {
  const longestPrefix = prefix.map((i) => keyOps[i] as Operation);
  const pending = nextCandidates(keyOps, new Set(prefix)).map((op) => ({ op, refused: !model.step(state, op).ok }));
  const stateAfterPrefix = model.describe(state);
  const reason = explain(key, keyOps.length, longestPrefix.length, stateAfterPrefix, pending);
  return { ok: false, key, model: model.name, longestPrefix, stateAfterPrefix, pending, keyHistory: keyOps, reason };
}

/** The known-outcome ops not in `linearized` that were called no later than the earliest return among
 * them: the ones that may be linearized next. */
export function nextCandidates(keyOps: readonly Operation[], linearized: ReadonlySet<number>): Operation[] {
  const remaining = keyOps.filter((op, i) => op.return !== undefined && !linearized.has(i));
  const deadline = earliestReturn(remaining);
  return remaining.filter((op) => op.call <= deadline);
}

function earliestReturn(ops: readonly Operation[]): number {
  let deadline = Number.POSITIVE_INFINITY;
  for (const op of ops) if (op.return !== undefined && op.return < deadline) deadline = op.return;
  return deadline;
}

const LISTED = 10;

function explain(key: string, total: number, linearized: number, state: string, pending: readonly PendingOp[]): string {
  const refused = pending.filter((p) => p.refused).length;
  const deadline = earliestReturn(pending.map((p) => p.op));
  const outcome =
    pending.length === 1
      ? `the only operation that could come next ${refused === 1 ? 'is impossible in that state' : 'leads nowhere'}`
      : refused === pending.length
        ? `none of the ${pending.length} operations that could come next is possible in that state`
        : `none of the ${pending.length} operations that could come next leads to a linearization (${refused} impossible in that state)`;
  const listed = pending.slice(0, LISTED).map((p) => `${formatOp(p.op)}${p.refused ? ' (impossible)' : ''}`);
  if (pending.length > LISTED) listed.push(`… ${pending.length - LISTED} more`);
  return (
    `key ${JSON.stringify(key)} is not linearizable: the longest valid order found covers ${linearized} of its ${total} ` +
    `operations and leaves the key at ${state}; then ${outcome}` +
    (Number.isFinite(deadline) ? `, yet ${pending.length === 1 ? 'it' : 'one of them'} must take effect by time ${deadline}` : '') +
    `: ${listed.join('; ')}`
  );
}
