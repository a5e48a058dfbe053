// Test support: histories produced by a simulated, truly linearizable key/value store, so every generated
// history is linearizable by construction (seeded; the same seed gives the same history).
//
// Each client issues one op at a time. Every op gets an interval [call, return] and a secret linearization
// point inside it; the ops are applied to a plain map in linearization-point order and the outputs recorded.
// With probability `unknownRate` an op's outcome is lost (return undefined): it then takes effect at a point
// somewhere after its call (possibly after its client moved on) or, with probability ½, never.
import { seededRng } from '../../common/rng.ts';
import type { Rng } from '../../common/rng.ts';
import { isMissing, MISSING } from './history.ts';
import type { CasOutput, DeleteOutput, Invocation, Operation, Output, ReadOutput, WriteOutput } from './history.ts';
import { valueText } from './value-text.ts';

export interface SimulationOptions {
  readonly seed: number;
  readonly clients: number;
  /** Total ops over all keys. */
  readonly ops: number;
  readonly keys: readonly string[];
  /** Written values are integers in [0, values) — a small domain makes reads ambiguous (harder to check) — or
   * 'unique': every write and cas writes its own op id, and a cas expects the key's latest planned value
   * (what a real optimistic client does; unique values are what a harness should record). */
  readonly values: number | 'unique';
  /** Probability that an op's outcome is unknown. Default 0. */
  readonly unknownRate?: number;
  /** Generate cas ops (needs casRegisterModel). Default true. */
  readonly cas?: boolean;
  /** Longest op duration (time units). Default 20. */
  readonly maxDuration?: number;
  /** Longest pause between a client's ops. Default 5. */
  readonly maxGap?: number;
}

interface Planned {
  readonly id: number;
  readonly client: number;
  readonly key: string;
  readonly invocation: Invocation;
  readonly call: number;
  readonly ret: number | undefined;
  /** Linearization point, or undefined for an unknown op that never takes effect. */
  readonly point: number | undefined;
}

export function simulateHistory(options: SimulationOptions): Operation[] {
  const rng = seededRng(options.seed);
  const planned = planOps(rng, options);
  const outputs = applyInPointOrder(planned);
  return planned.map((p) => toOperation(p, outputs.get(p.id)));
}

function planOps(rng: Rng, o: SimulationOptions): Planned[] {
  const clocks: number[] = Array.from({ length: o.clients }, () => rng.int(o.maxGap ?? 5));
  const planned: Planned[] = [];
  const latest = new Map<string, number>();
  for (let id = 0; id < o.ops; id++) {
    const client = earliest(clocks);
    const call = (clocks[client] as number) + rng.int((o.maxGap ?? 5) + 1);
    const duration = 1 + rng.int(o.maxDuration ?? 20);
    const ret = call + duration;
    clocks[client] = ret;
    const unknown = rng.next() < (o.unknownRate ?? 0);
    const point = unknown ? (rng.next() < 0.5 ? call + rng.next() * duration * 3 : undefined) : call + rng.next() * duration;
    const key = o.keys[rng.int(o.keys.length)] as string;
    const invocation = randomInvocation(rng, o, id, latest.get(key));
    if (invocation.kind === 'write' || invocation.kind === 'cas') latest.set(key, invocation.input.value as number);
    planned.push({ id, client, key, invocation, call, ret: unknown ? undefined : ret, point });
  }
  return planned;
}

/** The client whose clock is earliest (lowest index on ties): clients take turns like real ones. */
function earliest(clocks: readonly number[]): number {
  let best = 0;
  clocks.forEach((t, i) => {
    if (t < (clocks[best] as number)) best = i;
  });
  return best;
}

function randomInvocation(rng: Rng, o: SimulationOptions, id: number, latest: number | undefined): Invocation {
  const roll = rng.next();
  const value = o.values === 'unique' ? id : rng.int(o.values);
  if (roll < 0.5) return { kind: 'read', input: null };
  if (roll < 0.75) return { kind: 'write', input: { value } };
  if (roll < 0.9 && o.cas !== false) {
    const guess = o.values === 'unique' ? latest : rng.int(o.values);
    const expect = rng.next() < 0.2 || guess === undefined ? MISSING : guess;
    return { kind: 'cas', input: { expect, value } };
  }
  return { kind: 'delete', input: null };
}

function applyInPointOrder(planned: readonly Planned[]): Map<number, Output> {
  const store = new Map<string, unknown>();
  const outputs = new Map<number, Output>();
  const effective = planned.filter((p) => p.point !== undefined);
  effective.sort((a, b) => (a.point as number) - (b.point as number) || a.id - b.id);
  for (const p of effective) outputs.set(p.id, applyOne(store, p.key, p.invocation));
  return outputs;
}

function applyOne(store: Map<string, unknown>, key: string, inv: Invocation): Output {
  switch (inv.kind) {
    case 'read':
      return store.has(key) ? { found: true, value: store.get(key) } : { found: false, value: null };
    case 'write':
      store.set(key, inv.input.value);
      return { ok: true };
    case 'cas': {
      const current = store.has(key) ? valueText(store.get(key)) : undefined;
      const expected = isMissing(inv.input.expect) ? undefined : valueText(inv.input.expect);
      if (current !== expected) return { ok: false };
      store.set(key, inv.input.value);
      return { ok: true };
    }
    case 'delete': {
      const existed = store.delete(key);
      return { ok: existed };
    }
  }
}

function toOperation(p: Planned, output: Output | undefined): Operation {
  const base = { id: p.id, client: `c${p.client}`, key: p.key, call: p.call, return: p.ret };
  const out = p.ret === undefined ? undefined : output;
  const inv = p.invocation;
  switch (inv.kind) {
    case 'read':
      return { ...base, kind: 'read', input: null, output: out as ReadOutput | undefined };
    case 'write':
      return { ...base, kind: 'write', input: inv.input, output: out as WriteOutput | undefined };
    case 'cas':
      return { ...base, kind: 'cas', input: inv.input, output: out as CasOutput | undefined };
    case 'delete':
      return { ...base, kind: 'delete', input: null, output: out as DeleteOutput | undefined };
  }
}

/** A copy of `ops` with the `nth` completed read (counting from 0, modulo their number) now seeing a value no
 * op ever wrote: the result is never linearizable. Returns the corrupted op's id too. */
export function corruptOneRead(ops: readonly Operation[], nth: number): { ops: Operation[]; id: number } {
  const reads = ops.filter((op) => op.kind === 'read' && op.return !== undefined);
  if (reads.length === 0) throw new Error('corruptOneRead: no completed read to corrupt');
  const target = reads[nth % reads.length] as Operation;
  const corrupted = ops.map((op) => (op.id === target.id && op.kind === 'read' ? { ...op, output: { found: true, value: 'never-written' } } : op));
  return { ops: corrupted, id: target.id };
}
