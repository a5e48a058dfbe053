// The Wing–Gong–Lowe linearizability search over ONE key's sub-history, with Lowe's memoization.
//
// Depth-first over configurations (ops linearized so far, model state). The ops that may come next are the
// calls in the event list before its first remaining return: the op returning there must be linearized
// before anything called later. A child linearizes one of them, if the model accepts it, and lifts it out
// of the list; a configuration with no child left fails and is undone.
//
// Reductions (each keeps the search exact; see README.md for the arguments):
// - Read-only ops first: when a candidate is read-only (model.effect) and accepted, it is the ONLY child.
//   Any successful continuation that runs it later can run it now instead: it sees the same state and changes
//   nothing, and being a candidate it is concurrent with every op still to come.
// - No unknown-outcome op right before a blind op: in `… u b …` the unknown op u can simply be left out (b is
//   accepted anyway and sets the same state), so after a non-read-only unknown op, blind candidates are
//   skipped. The configuration remembers this restriction (it is part of its memo key).
// - No unknown op that changes nothing: in that state it can just as well be left out.
// - Of several available unknown ops with the same invocation only the first is tried: they are
//   interchangeable (both available from now on, neither ever returns).
// - Known ops before unknown-outcome ops, so configurations without an unknown op are explored (and
//   memoized) first and subsume the ones with it (see linearized-memo.ts).
// - Unknown-outcome ops return at +Infinity, after every known return. When the list holds no known return
//   any more, every known op is linearized: the rest never happened, and the history is linearizable.
//
// Cost is counted in steps (model steps plus configurations visited); past `maxSteps` the search gives up.
import { buildEntryList, lift, unlift } from './entry-list.ts';
import type { EntryList, Interval } from './entry-list.ts';
import { ConfigurationMemo, LinearizedSet } from './linearized-memo.ts';
import type { MemoEntry } from './linearized-memo.ts';
import type { Operation } from './history.ts';
import type { Model } from './models.ts';
import { valueText } from './value-text.ts';

export type SearchOutcome<S> =
  | { readonly kind: 'linearizable'; readonly steps: number }
  /** `prefix`: op indexes of the longest linearizable prefix found, in order; `state`: the model state after it. */
  | { readonly kind: 'violation'; readonly steps: number; readonly prefix: number[]; readonly state: S }
  | { readonly kind: 'budget-exhausted'; readonly steps: number };

interface Child<S> {
  readonly entry: number;
  readonly next: S;
  readonly key: string;
  /** The op is unknown-outcome and not read-only: the child may not continue with a blind op. */
  readonly restricts: boolean;
}

interface Frame<S> {
  /** Call entry of the op this frame linearized (-1 for the root). */
  readonly entry: number;
  readonly state: S;
  readonly memo: MemoEntry | undefined;
  /** undefined = every known op is linearized (success). */
  readonly children: Array<Child<S>> | undefined;
  nextChild: number;
}

interface Search<S> {
  readonly ops: readonly Operation[];
  readonly model: Model<S>;
  readonly list: EntryList;
  /** Per op: its index in the known or in the unknown set. */
  readonly slot: Int32Array;
  readonly effect: Uint8Array;
  /** Per unknown op: kind and input, to spot interchangeable ones. */
  readonly signature: ReadonlyArray<string | undefined>;
  readonly known: LinearizedSet;
  readonly unknown: LinearizedSet;
  steps: number;
}

/** Searches for a linearization of `ops` (all on one key). */
export function searchLinearization<S>(ops: readonly Operation[], model: Model<S>, maxSteps: number): SearchOutcome<S> {
  const s = prepare(ops, model);
  const memo = new ConfigurationMemo();
  const init = model.init();
  const frames: Array<Frame<S>> = [{ entry: -1, state: init, memo: undefined, children: expand(s, init, model.key(init), false), nextChild: 0 }];
  const deepest: Deepest<S> = { prefix: [], state: init };
  while (true) {
    if (s.steps >= maxSteps) return { kind: 'budget-exhausted', steps: s.steps };
    const frame = frames[frames.length - 1] as Frame<S>;
    if (frame.children === undefined) return { kind: 'linearizable', steps: s.steps };
    const child = frame.children[frame.nextChild++];
    if (child !== undefined) {
      s.steps++;
      const op = s.list.opOf[child.entry] as number;
      const memoKey = child.restricts ? `${child.key}\u0000restricted` : child.key;
      mark(s, op, true);
      if (memo.covers(s.known, s.unknown, memoKey)) {
        mark(s, op, false);
        continue;
      }
      lift(s.list, child.entry);
      const children = expand(s, child.next, child.key, child.restricts);
      if (children !== undefined && children.length === 0) {
        // A dead end without choices: not worth a memo entry (re-expanding it is as cheap as a lookup).
        unlift(s.list, child.entry);
        mark(s, op, false);
        noteDeadEnd(deepest, s, frames, child.entry, child.next);
        continue;
      }
      frames.push({ entry: child.entry, state: child.next, memo: memo.record(s.known, s.unknown, memoKey), children, nextChild: 0 });
      continue;
    }
    noteDeadEnd(deepest, s, frames, -1, frame.state);
    if (frame.memo !== undefined) memo.close(frame.memo);
    if (frames.length === 1) return { kind: 'violation', steps: s.steps, prefix: deepest.prefix, state: deepest.state };
    frames.pop();
    unlift(s.list, frame.entry);
    mark(s, s.list.opOf[frame.entry] as number, false);
  }
}

/** The longest dead-end prefix seen so far, for the violation report. */
interface Deepest<S> {
  prefix: number[];
  state: S;
}

/** Notes the dead end at the frames' prefix (plus the call entry `extra`, unless -1) in `state`. */
function noteDeadEnd<S>(deepest: Deepest<S>, s: Search<S>, frames: ReadonlyArray<Frame<S>>, extra: number, state: S): void {
  const length = frames.length - 1 + (extra === -1 ? 0 : 1);
  if (length <= deepest.prefix.length) return;
  deepest.prefix = frames.slice(1).map((f) => s.list.opOf[f.entry] as number);
  if (extra !== -1) deepest.prefix.push(s.list.opOf[extra] as number);
  deepest.state = state;
}

const GENERAL = 0;
const READ_ONLY = 1;
const BLIND = 2;

function prepare<S>(ops: readonly Operation[], model: Model<S>): Search<S> {
  const slot = new Int32Array(ops.length);
  const effect = new Uint8Array(ops.length);
  let knownCount = 0;
  let unknownCount = 0;
  ops.forEach((op, i) => {
    slot[i] = op.return === undefined ? unknownCount++ : knownCount++;
    effect[i] = effectCode(model, op);
  });
  const signature = ops.map((op) => (op.return === undefined ? `${op.kind}:${valueText(op.input)}` : undefined));
  const list = buildEntryList(ops.map(toInterval));
  return { ops, model, list, slot, effect, signature, known: new LinearizedSet(knownCount), unknown: new LinearizedSet(unknownCount), steps: 0 };
}

function effectCode<S>(model: Model<S>, op: Operation): number {
  const effect = model.effect(op);
  switch (effect) {
    case 'general':
      return GENERAL;
    case 'read-only':
      return READ_ONLY;
    case 'blind':
      return BLIND;
  }
}

/** The children of a configuration in state `state` (key `stateKey`), in the order to try them; undefined =
 * success. `restricted`: the configuration was reached by an unknown op, so no blind op may follow. */
function expand<S>(s: Search<S>, state: S, stateKey: string, restricted: boolean): Array<Child<S>> | undefined {
  const { next, opOf, isCall, head, tail } = s.list;
  const known: Array<Child<S>> = [];
  const unknown: Array<Child<S>> = [];
  let signatures: Set<string> | undefined;
  for (let e = next[head] as number; e !== tail; e = next[e] as number) {
    const i = opOf[e] as number;
    const op = s.ops[i] as Operation;
    if (isCall[e] !== 1) return op.return === undefined ? undefined : unknown.length === 0 ? known : known.concat(unknown);
    if (restricted && s.effect[i] === BLIND) continue;
    const signature = s.signature[i];
    if (signature !== undefined) {
      signatures ??= new Set();
      if (signatures.has(signature)) continue;
    }
    s.steps++;
    const result = s.model.step(state, op);
    if (!result.ok) continue;
    const isUnknown = op.return === undefined;
    const child = { entry: e, next: result.next, key: s.model.key(result.next), restricts: isUnknown && s.effect[i] !== READ_ONLY };
    if (s.effect[i] === READ_ONLY) return [child];
    if (isUnknown && child.key === stateKey) continue;
    if (signature !== undefined) signatures?.add(signature);
    (isUnknown ? unknown : known).push(child);
  }
  return undefined;
}

function mark<S>(s: Search<S>, op: number, on: boolean): void {
  const set = (s.ops[op] as Operation).return === undefined ? s.unknown : s.known;
  if (on) set.set(s.slot[op] as number);
  else set.clear(s.slot[op] as number);
}

function toInterval(op: Operation): Interval {
  return { call: op.call, ret: op.return ?? Number.POSITIVE_INFINITY };
}
