// Sequential specifications the checker linearizes against: the behaviour of ONE key of Barn's store when
// operations run one at a time.
//
// Model contract:
// - `step(state, op)` applies `op` to `state`: `ok` says whether `op`'s recorded output is what the
//   specification gives in `state`; `next` is the state after it. Pure; `state` is never mutated.
// - When the op's outcome is unknown (`op.return === undefined`) its output must not be consulted: `step`
//   returns ok true with the op's effect in `state` (e.g. a cas that would fail changes nothing).
// - `key(state)` is equal for two states iff they behave the same (used to memoize the search).
// - `effect(op)` classifies the op for the search's reductions ('general' is always safe):
//   'read-only' — every accepted step leaves the state unchanged (e.g. a read with a known output);
//   'blind'     — accepted in every state, and the next state does not depend on the state (e.g. a write).
// - `describe(state)` is a short human form for violation reports.
import { isMissing } from './history.ts';
import { valueText } from './value-text.ts';
import type { CasOp, DeleteOp, Operation, ReadOp } from './history.ts';

export interface StepResult<S> {
  readonly ok: boolean;
  readonly next: S;
}

export type OpEffect = 'read-only' | 'blind' | 'general';

export interface Model<S> {
  readonly name: string;
  init(): S;
  step(state: S, op: Operation): StepResult<S>;
  key(state: S): string;
  effect(op: Operation): OpEffect;
  describe(state: S): string;
}

/** One key's value: absent, or present with a JSON value (`text` = its canonical JSON, for deep equality). */
export type RegisterState = { readonly found: false } | { readonly found: true; readonly value: unknown; readonly text: string };

const ABSENT: RegisterState = Object.freeze({ found: false });
/** Key of the absent state: no JSON text looks like it, so it cannot collide with a value's text. */
const ABSENT_KEY = '∅';

/** Read, write and delete on one key; a cas op is a programming error (use casRegisterModel). */
export const registerModel: Model<RegisterState> = {
  name: 'register',
  init: () => ABSENT,
  step: (state, op) => {
    if (op.kind === 'cas') throw new Error(`registerModel: op ${op.id} is a cas; check with casRegisterModel`);
    return stepRegister(state, op);
  },
  key: registerKey,
  effect: registerEffect,
  describe: describeRegister,
};

/** Read, write, cas (compare by deep value equality, or MISSING = key absent) and delete on one key. */
export const casRegisterModel: Model<RegisterState> = {
  name: 'cas-register',
  init: () => ABSENT,
  step: stepRegister,
  key: registerKey,
  effect: registerEffect,
  describe: describeRegister,
};

function stepRegister(state: RegisterState, op: Operation): StepResult<RegisterState> {
  switch (op.kind) {
    case 'read':
      return { ok: readMatches(state, op), next: state };
    case 'write':
      return { ok: true, next: present(op.input.value) };
    case 'cas':
      return stepCas(state, op);
    case 'delete':
      return stepDelete(state, op);
  }
}

function readMatches(state: RegisterState, op: ReadOp): boolean {
  if (op.return === undefined || op.output === undefined) return true;
  if (!op.output.found) return !state.found;
  return state.found && valueText(op.output.value) === state.text;
}

function stepCas(state: RegisterState, op: CasOp): StepResult<RegisterState> {
  const matches = isMissing(op.input.expect) ? !state.found : state.found && valueText(op.input.expect) === state.text;
  const after = matches ? present(op.input.value) : state;
  if (op.return === undefined || op.output === undefined) return { ok: true, next: after };
  return { ok: op.output.ok === matches, next: after };
}

function stepDelete(state: RegisterState, op: DeleteOp): StepResult<RegisterState> {
  if (op.return === undefined || op.output === undefined || op.output.ok) return { ok: true, next: ABSENT };
  // ok false: "not found", only possible when the key is absent. (ok true on an absent key is accepted:
  // an idempotent delete may answer success.)
  return { ok: !state.found, next: state };
}

// Reads, failed cas and not-found deletes change nothing when accepted; writes and applied deletes set the
// state whatever it was; a cas (succeeded or unknown) depends on the state.
function registerEffect(op: Operation): OpEffect {
  const known = op.return !== undefined && op.output !== undefined;
  switch (op.kind) {
    case 'read':
      return 'read-only';
    case 'write':
      return 'blind';
    case 'cas':
      return known && op.output?.ok === false ? 'read-only' : 'general';
    case 'delete':
      return known && op.output?.ok === false ? 'read-only' : 'blind';
  }
}

const presentCache = new WeakMap<object, RegisterState>();

/** The state holding `value`; for object values the same state object is reused (steps run millions of times). */
function present(value: unknown): RegisterState {
  if (value === null || typeof value !== 'object') return { found: true, value, text: valueText(value) };
  const cached = presentCache.get(value);
  if (cached !== undefined) return cached;
  const state: RegisterState = { found: true, value, text: valueText(value) };
  presentCache.set(value, state);
  return state;
}

function registerKey(state: RegisterState): string {
  return state.found ? state.text : ABSENT_KEY;
}

function describeRegister(state: RegisterState): string {
  return state.found ? state.text : '(absent)';
}
