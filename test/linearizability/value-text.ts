// The canonical text of a JSON value: two values are deep-equal iff their texts are equal (object key order
// does not matter). Used for register comparisons, memo keys and reports.
import { canonicalJson } from '../../common/canonical-json.ts';

const textCache = new WeakMap<object, string>();

/** Canonical JSON of `value` (`undefined` gives "undefined"); object results are memoized per object. */
export function valueText(value: unknown): string {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'undefined':
      return 'undefined';
    case 'object':
      return value === null ? 'null' : objectText(value);
    default:
      return String(value);
  }
}

function objectText(value: object): string {
  const cached = textCache.get(value);
  if (cached !== undefined) return cached;
  const text = canonicalJson(value);
  textCache.set(value, text);
  return text;
}
