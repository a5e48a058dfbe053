// A record-level diff between the expected and actual contents of a sink, for `runi test`. Pure.
// Equal records are matched first (as a multiset, so order differences are reported separately); what is left
// is paired by position into "changed" records with the fields that differ, and the rest is missing or extra.

export type Rec = Record<string, unknown>;

export interface FieldDiff {
  readonly field: string;
  readonly expected?: unknown;
  readonly actual?: unknown;
}

export interface RecordDiff {
  readonly equal: boolean;
  /** Same records, different order (only reported when order matters). */
  readonly orderDiffers: boolean;
  readonly missing: readonly Rec[];
  readonly extra: readonly Rec[];
  readonly changed: ReadonlyArray<{ readonly expected: Rec; readonly actual: Rec; readonly fields: readonly FieldDiff[] }>;
}

export function diffRecords(expected: readonly Rec[], actual: readonly Rec[], opts: { ordered: boolean }): RecordDiff {
  const key = (r: Rec): string => JSON.stringify(r);
  const pool = new Map<string, number>();
  for (const r of actual) pool.set(key(r), (pool.get(key(r)) ?? 0) + 1);
  const unmatchedExpected: Rec[] = [];
  for (const r of expected) {
    const n = pool.get(key(r)) ?? 0;
    if (n > 0) pool.set(key(r), n - 1);
    else unmatchedExpected.push(r);
  }
  const unmatchedActual: Rec[] = [];
  for (const r of actual) {
    const n = pool.get(key(r)) ?? 0;
    if (n > 0) {
      pool.set(key(r), n - 1);
      unmatchedActual.push(r);
    }
  }
  const pairs = Math.min(unmatchedExpected.length, unmatchedActual.length);
  const changed = [];
  for (let i = 0; i < pairs; i++) {
    const e = unmatchedExpected[i]!;
    const a = unmatchedActual[i]!;
    changed.push({ expected: e, actual: a, fields: fieldDiffs(e, a) });
  }
  const missing = unmatchedExpected.slice(pairs);
  const extra = unmatchedActual.slice(pairs);
  const sameSet = changed.length === 0 && missing.length === 0 && extra.length === 0;
  const orderDiffers = opts.ordered && sameSet && expected.map(key).join('\n') !== actual.map(key).join('\n');
  return { equal: sameSet && !orderDiffers, orderDiffers, missing, extra, changed };
}

function fieldDiffs(e: Rec, a: Rec): FieldDiff[] {
  const fields = [...new Set([...Object.keys(e), ...Object.keys(a)])].sort();
  const out: FieldDiff[] = [];
  for (const f of fields) {
    if (JSON.stringify(e[f]) === JSON.stringify(a[f])) continue;
    out.push({ field: f, ...(f in e ? { expected: e[f] } : {}), ...(f in a ? { actual: a[f] } : {}) });
  }
  return out;
}

/** Human text of a diff, one line per difference, capped at `limit` lines. */
export function formatRecordDiff(diff: RecordDiff, limit = 20): string[] {
  const lines: string[] = [];
  if (diff.orderDiffers) lines.push('same records in a different order');
  for (const m of diff.missing) lines.push(`- missing ${JSON.stringify(m)}`);
  for (const x of diff.extra) lines.push(`+ extra   ${JSON.stringify(x)}`);
  for (const c of diff.changed) {
    const fields = c.fields.map((f) => `${f.field}: ${f.expected === undefined ? '∅' : JSON.stringify(f.expected)} → ${f.actual === undefined ? '∅' : JSON.stringify(f.actual)}`).join(', ');
    lines.push(`~ changed ${JSON.stringify(c.expected)}\n    ${fields}`);
  }
  return lines.length > limit ? [...lines.slice(0, limit), `… and ${lines.length - limit} more`] : lines;
}
