// Key order and key ranges. Barn orders keys by the bytes of their UTF-8 encoding (as LMDB does), which is the
// same as ordering by Unicode code points. JavaScript's `<` on strings compares UTF-16 code units, which
// disagrees for characters above U+FFFF against U+E000..U+FFFF; compareKeys corrects that without encoding.

/** Negative, zero or positive as `a` sorts before, equal to, or after `b` in UTF-8 byte order. */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return fixup(x) - fixup(y);
  }
  return a.length - b.length;
}

/** Surrogates (D800–DFFF, code points ≥ 0x10000) move above E000–FFFF; relative order within groups holds. */
function fixup(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}

/** True when `key` lies in [start, end); `end` undefined = no upper bound. */
export function inRange(key: string, start: string, end: string | undefined): boolean {
  return compareKeys(key, start) >= 0 && (end === undefined || compareKeys(key, end) < 0);
}

const MAX_CODE_POINT = 0x10ffff;

/**
 * The smallest key greater than every key that starts with `prefix`: [prefix, prefixEnd(prefix)) is exactly
 * the keys with that prefix. Undefined when no such key exists (empty prefix, or only U+10FFFF characters):
 * the range is then open-ended.
 */
export function prefixEnd(prefix: string): string | undefined {
  const points = Array.from(prefix, (c) => c.codePointAt(0)!);
  while (points.length > 0) {
    const last = points.pop()!;
    if (last < MAX_CODE_POINT) {
      points.push(last === 0xd7ff ? 0xe000 : last + 1);
      return String.fromCodePoint(...points);
    }
  }
  return undefined;
}

/** Well-formed UTF-16: no lone surrogates (they have no UTF-8 encoding, so no place in the key order). */
export function isWellFormed(text: string): boolean {
  return !/[\uD800-\uDFFF]/u.test(text);
}

