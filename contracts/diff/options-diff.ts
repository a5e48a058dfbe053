// logicalTypeOptions: each key compared on its own. Tightened (an old value may now be rejected) is
// breaking; loosened is not. Bounds on dates/timestamps are compared as text, which orders ISO-8601 values
// of the same format correctly.
import { asArray, asObject, sameValue, type RawPath } from './contract-view.ts';
import { show, type Emit } from './change-sink.ts';

type Direction = 'tightened' | 'loosened';

const LOWER_BOUNDS = new Set(['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties']);
const UPPER_BOUNDS = new Set(['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties']);
const ENUM_KEYS = new Set(['enum', 'values', 'allowedValues']);
const NUMERIC_FORMATS = ['i8', 'i16', 'i32', 'i64', 'i128', 'u8', 'u16', 'u32', 'u64', 'u128', 'f32', 'f64'];

export function diffOptions(before: unknown, after: unknown, path: string, raw: RawPath, emit: Emit): void {
  const a = asObject(before) ?? {};
  const b = asObject(after) ?? {};
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  for (const key of keys) {
    const va = a[key];
    const vb = b[key];
    if (sameValue(va, vb)) continue;
    const at = `${path}.${key}`;
    const where = vb === undefined ? { raw: [...raw, key], side: 'before' as const } : { raw: [...raw, key], side: 'after' as const };
    if (ENUM_KEYS.has(key) && Array.isArray(va) && Array.isArray(vb)) {
      diffValueList(va, vb, at, where.raw, emit);
      continue;
    }
    const dir = direction(key, va, vb);
    if (dir === undefined) {
      emit({ code: 'OPTION_CHANGED', impact: 'warning', path: at, message: `option \`${key}\` changed from ${show(va)} to ${show(vb)}; check what readers and writers assume`, before: va, after: vb, ...where });
      continue;
    }
    const tightened = dir === 'tightened';
    emit({
      code: tightened ? 'CONSTRAINT_TIGHTENED' : 'CONSTRAINT_LOOSENED',
      impact: tightened ? 'breaking' : 'non-breaking',
      path: at,
      message: `\`${key}\` ${verb(va, vb)}: ${tightened ? 'values valid before may now be rejected' : 'accepts more values than before'}`,
      before: va,
      after: vb,
      ...where,
    });
  }
}

/** Enum-like value lists: each removed value is breaking, each added value is not. */
export function diffValueList(before: readonly unknown[], after: readonly unknown[], path: string, raw: RawPath, emit: Emit): void {
  for (const v of before) {
    if (!after.some((w) => sameValue(v, w))) {
      emit({ code: 'ENUM_VALUE_REMOVED', impact: 'breaking', path, message: `allowed value ${show(v)} was removed: records carrying it will be rejected`, before: v, raw, side: 'after' });
    }
  }
  for (const v of after) {
    if (!before.some((w) => sameValue(v, w))) {
      emit({ code: 'ENUM_VALUE_ADDED', impact: 'non-breaking', path, message: `allowed value ${show(v)} was added`, after: v, raw, side: 'after' });
    }
  }
}

function direction(key: string, va: unknown, vb: unknown): Direction | undefined {
  if (vb === undefined) return ENUM_KEYS.has(key) || isConstraintKey(key) ? 'loosened' : undefined;
  if (va === undefined) return ENUM_KEYS.has(key) || isConstraintKey(key) ? 'tightened' : undefined;
  if (LOWER_BOUNDS.has(key)) return compare(vb, va) > 0 ? 'tightened' : 'loosened';
  if (UPPER_BOUNDS.has(key)) return compare(vb, va) < 0 ? 'tightened' : 'loosened';
  switch (key) {
    case 'pattern':
      return 'tightened';
    case 'format':
      return formatDirection(va, vb);
    case 'multipleOf':
      return typeof va === 'number' && typeof vb === 'number' && vb !== 0 && va % vb === 0 ? 'loosened' : 'tightened';
    case 'uniqueItems':
      return vb === true ? 'tightened' : 'loosened';
    case 'required':
      return asArray(vb).every((n) => asArray(va).includes(n)) ? 'loosened' : 'tightened';
    default:
      return undefined;
  }
}

function isConstraintKey(key: string): boolean {
  return LOWER_BOUNDS.has(key) || UPPER_BOUNDS.has(key) || ['pattern', 'format', 'multipleOf', 'uniqueItems', 'required'].includes(key);
}

/** i32 → i64 or f32 → f64 widen; any other format change (string formats, dates) tightens. */
function formatDirection(va: unknown, vb: unknown): Direction {
  const wa = numericWidth(va);
  const wb = numericWidth(vb);
  if (wa !== undefined && wb !== undefined && wa.kind === wb.kind) return wb.bits >= wa.bits ? 'loosened' : 'tightened';
  if (wa !== undefined && wb !== undefined && wa.kind === 'u' && wb.kind === 'i') return wb.bits > wa.bits ? 'loosened' : 'tightened';
  return 'tightened';
}

function numericWidth(v: unknown): { kind: string; bits: number } | undefined {
  if (typeof v !== 'string' || !NUMERIC_FORMATS.includes(v)) return undefined;
  return { kind: v[0]!, bits: Number(v.slice(1)) };
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function verb(va: unknown, vb: unknown): string {
  if (va === undefined) return `added (${show(vb)})`;
  if (vb === undefined) return `removed (was ${show(va)})`;
  return `changed from ${show(va)} to ${show(vb)}`;
}
