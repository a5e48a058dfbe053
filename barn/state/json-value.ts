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
  if (typeof value === 'string') return jsonStringBytes(value);
  try {
    const text = JSON.stringify(value) as string | undefined;
    return text === undefined ? undefined : Buffer.byteLength(text, 'utf8');
  } catch {
    return undefined;
  }
}

/** Bytes of JSON.stringify(text) in UTF-8, counted without building it (a put's value is measured on every
 * member): quotes; `"` and `\\` and the short escapes (\b \t \n \f \r) 2 bytes; other controls and lone
 * surrogates 6 (\uXXXX, as JSON.stringify writes them); a surrogate pair 4; otherwise UTF-8's 1 to 3. */
export function jsonStringBytes(text: string): number {
  let n = 2;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20) n += c === 0x08 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d ? 2 : 6;
    else if (c === 0x22 || c === 0x5c) n += 2;
    else if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (next >= 0xdc00 && next <= 0xdfff) {
        n += 4;
        i++;
      } else n += 6;
    } else if (c >= 0xdc00 && c <= 0xdfff) n += 6;
    else n += 3;
  }
  return n;
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
