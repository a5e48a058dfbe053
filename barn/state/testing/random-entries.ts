// Test-only: seeded random Raft entries for the model-based test. Keys come from a small set with shared
// prefixes so that conflicts, recreations and prefix deletes are frequent; conditions are drawn near the
// model's real revisions so that both outcomes of every compare happen.
import type { Rng } from '../../../common/rng.ts';
import type { Command, Compare, CompareOp, Op } from '../commands.ts';
import { MAX_VALUE_BYTES } from '../commands.ts';
import type { ModelEntry, ReferenceModel } from './reference-model.ts';

export const KEYS = ['/a', '/a/b', '/a/c', '/ab', '/b', '/b/a', '/c'];
export const PREFIXES = ['/', '/a', '/a/', '/b', '/c', '/x'];
const OPS: CompareOp[] = ['=', '!=', '<', '>'];

const pick = <T>(rng: Rng, items: readonly T[]): T => items[rng.int(items.length)]!;

export function randomValue(rng: Rng): unknown {
  switch (rng.int(6)) {
    case 0:
      return rng.int(5);
    case 1:
      return pick(rng, ['x', 'y', 'xy', '']);
    case 2:
      return null;
    case 3:
      return rng.int(2) === 0 ? { a: rng.int(2), b: 'v' } : { b: 'v', a: rng.int(2) }; // same data, other key order
    case 4:
      return [rng.int(3), [true]];
    default:
      return rng.int(2) === 0;
  }
}

/** A revision near the key's real one (often equal), or 0. */
function nearRevision(rng: Rng, model: ReferenceModel, key: string): number {
  const actual = model.records.get(key)?.modRevision ?? 0;
  return rng.int(3) === 0 ? rng.int(model.revision + 2) : actual;
}

function randomCompare(rng: Rng, model: ReferenceModel): Compare {
  const key = pick(rng, KEYS);
  const r = model.records.get(key);
  switch (rng.int(6)) {
    case 0:
      return { key, target: pick(rng, ['exists', 'missing'] as const) };
    case 1:
      return { key, target: 'value', op: pick(rng, OPS), value: r && rng.int(2) === 0 ? r.value : randomValue(rng) };
    case 2:
      return { key, target: 'modRevision', op: pick(rng, OPS), value: nearRevision(rng, model, key) };
    case 3:
      return { key, target: 'createRevision', op: pick(rng, OPS), value: r && rng.int(2) === 0 ? r.createRevision : rng.int(model.revision + 2) };
    default:
      return { key, target: 'version', op: pick(rng, OPS), value: rng.int(4) };
  }
}

function randomOp(rng: Rng): Op {
  const n = rng.int(10);
  if (n < 6) return { type: 'put', key: pick(rng, KEYS), value: randomValue(rng) };
  if (n < 9) return { type: 'delete', key: pick(rng, KEYS) };
  return { type: 'delete-range', prefix: pick(rng, PREFIXES) };
}

function randomCommand(rng: Rng, model: ReferenceModel): Command {
  const n = rng.int(100);
  if (n < 35) {
    const key = pick(rng, KEYS);
    const ifRevision = rng.int(2) === 0 ? undefined : nearRevision(rng, model, key);
    return { type: 'put', key, value: randomValue(rng), ...(ifRevision === undefined ? {} : { ifRevision }) };
  }
  if (n < 50) {
    const key = pick(rng, KEYS);
    const ifRevision = rng.int(2) === 0 ? undefined : nearRevision(rng, model, key);
    return { type: 'delete', key, ...(ifRevision === undefined ? {} : { ifRevision }) };
  }
  if (n < 55) return { type: 'delete-range', prefix: pick(rng, PREFIXES) };
  if (n < 92) {
    const list = <T>(max: number, make: () => T): T[] => Array.from({ length: rng.int(max + 1) }, make);
    return { type: 'txn', compare: list(3, () => randomCompare(rng, model)), success: list(3, () => randomOp(rng)), failure: list(2, () => randomOp(rng)) };
  }
  return { type: 'compact', revision: rng.int(4) === 0 ? rng.int(model.revision + 2) : Math.max(0, model.revision - rng.int(5)) };
}

let tooLargePayload: string | undefined;

/** A put one byte over the value limit (built once: it is 1 MiB). */
function tooLarge(): string {
  tooLargePayload ??= JSON.stringify({ type: 'put', key: '/a', value: 'x'.repeat(MAX_VALUE_BYTES - 1) });
  return tooLargePayload;
}

export function randomEntry(rng: Rng, model: ReferenceModel): ModelEntry {
  const n = rng.int(100);
  if (n < 3) return { kind: 'noop' };
  if (n < 5) return { kind: 'garbage', payload: pick(rng, ['{', 'null', '{"type":"put","key":"/a"}', '{"type":"txn","compare":7}']), code: 'BARN_INVALID_COMMAND' };
  if (n < 6 && rng.int(4) === 0) return { kind: 'garbage', payload: tooLarge(), code: 'BARN_VALUE_TOO_LARGE' };
  return { kind: 'command', command: randomCommand(rng, model) };
}
