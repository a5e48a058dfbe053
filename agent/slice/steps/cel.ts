// CEL for filter/map/route/when, through @marcbachmann/cel-js (never eval). Each expression is parsed once per
// run; the record is bound as `record`. Values cross the boundary as JSON carries them: a JSON number is a CEL
// `double` (as in the CEL spec's JSON mapping), so write `record.amount < 0.0` or `record.n + 1.0`; comparisons
// between int and double work either way. Results are turned back into JSON values: CEL ints (bigint) become
// numbers (strings beyond 2^53), timestamps ISO-8601 text, bytes base64, maps objects. Reading a missing field
// is an evaluation error (use `has(record.x)`); the runtime rejects that record with the message.
import { parse } from '@marcbachmann/cel-js';
import { SliceError, messageOf } from '../errors.ts';
import type { Rec } from '../types.ts';

export type CelFn = (record: Rec) => unknown;

export function compileCel(expr: string, where: string): CelFn {
  let fn: (ctx: Record<string, unknown>) => unknown;
  try {
    fn = parse(expr) as unknown as (ctx: Record<string, unknown>) => unknown;
  } catch (e) {
    throw new SliceError('SLICE_BAD_CEL', `${where}: ${firstLine(messageOf(e))}`, { expr });
  }
  return (record) => {
    try {
      return fn({ record });
    } catch (e) {
      throw new Error(`${where}: ${firstLine(messageOf(e))}`);
    }
  };
}

/** A CEL expression that must give a bool (filter, route, when). */
export function compileCondition(expr: string, where: string): (record: Rec) => boolean {
  const fn = compileCel(expr, where);
  return (record) => {
    const v = fn(record);
    if (typeof v !== 'boolean') throw new Error(`${where}: expected a bool, got ${describe(v)}`);
    return v;
  };
}

export function celToJson(v: unknown): unknown {
  switch (typeof v) {
    case 'bigint':
      return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
    case 'object': {
      if (v === null) return null;
      if (v instanceof Date) return v.toISOString();
      if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
      if (Array.isArray(v)) return v.map(celToJson);
      if (v instanceof Map) {
        const o: Rec = {};
        for (const [k, val] of v) o[String(k)] = celToJson(val);
        return o;
      }
      const o: Rec = {};
      for (const [k, val] of Object.entries(v)) o[k] = celToJson(val);
      return o;
    }
    case 'number':
    case 'string':
    case 'boolean':
      return v;
    case 'undefined':
      return null;
    default:
      return String(v);
  }
}

function describe(v: unknown): string {
  return v === null ? 'null' : typeof v === 'bigint' ? 'an int' : typeof v;
}

function firstLine(text: string): string {
  const nl = text.indexOf('\n');
  return nl === -1 ? text : text.slice(0, nl);
}
