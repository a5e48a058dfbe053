// Values in Barn are JSON. Equality is structural (object key order does not matter, arrays are ordered);
// ordering (`<`, `>` in compares) is defined only between two numbers or two strings (strings in code point
// order, like keys) — every other pair is unordered, so both `<` and `>` are false.
import { compareKeys } from './key-order.ts';

export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    const keys = Object.keys(a).filter((k) => a[k] !== undefined);
    const other = Object.keys(b).filter((k) => b[k] !== undefined);
    if (keys.length !== other.length) return false;
    return keys.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/** Negative/zero/positive for two numbers or two strings; undefined when the pair is unordered. */
export function jsonOrder(a: unknown, b: unknown): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return compareKeys(a, b);
  return undefined;
}

/** Bytes of the value's JSON text in UTF-8; undefined when the value has none (undefined, a bigint, a cycle). */
export function encodedSize(value: unknown): number | undefined {
  try {
    const text = JSON.stringify(value) as string | undefined;
    return text === undefined ? undefined : Buffer.byteLength(text, 'utf8');
  } catch {
    return undefined;
  }
}

/** True when arrays/objects nest deeper than `max` levels (a scalar is depth 0). Stops early: bounded recursion. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (max <= 0) return true;
  return Object.values(value).some((v) => nestsDeeperThan(v, max - 1));
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
