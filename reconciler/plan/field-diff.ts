// Field-level differences between two scenario specs, as dotted paths. Sources, steps and sinks are matched by
// id (`steps.normalize.params.target`), so inserting a step reports one added step, not every later one changed.
import type { FieldChange } from '../../contracts/plan.ts';
import type { ScenarioSpec } from '../../contracts/desired-state.ts';

const IGNORED = new Set(['loc', 'specHash']);
const BY_ID = new Set(['sources', 'steps', 'sinks']);

export function scenarioFieldChanges(before: ScenarioSpec, after: ScenarioSpec, stepHashes: { before: Readonly<Record<string, string>>; after: Readonly<Record<string, string>> }): FieldChange[] {
  const out: FieldChange[] = [];
  diffValue('', strip(before), strip(after), out);
  // The module content of a user step is part of what runs, though not of the spec text.
  for (const step of after.steps) {
    if (step.module === undefined) continue;
    const a = stepHashes.before[step.module];
    const b = stepHashes.after[step.module];
    if (a !== undefined && b !== undefined && a !== b) out.push({ field: `steps.${step.id}.module`, before: `${step.module}@${a.slice(0, 12)}`, after: `${step.module}@${b.slice(0, 12)}` });
  }
  return out.sort((x, y) => (x.field < y.field ? -1 : x.field > y.field ? 1 : 0));
}

function strip(spec: ScenarioSpec): unknown {
  return JSON.parse(JSON.stringify(spec, (k, v) => (IGNORED.has(k) ? undefined : v)));
}

function diffValue(path: string, a: unknown, b: unknown, out: FieldChange[]): void {
  if (a === b) return;
  if (isRecord(a) && isRecord(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) {
      const sub = path === '' ? k : `${path}.${k}`;
      if (BY_ID.has(k) && Array.isArray(a[k]) && Array.isArray(b[k])) diffById(sub, a[k] as unknown[], b[k] as unknown[], out);
      else diffValue(sub, a[k], b[k], out);
    }
    return;
  }
  if (JSON.stringify(a) === JSON.stringify(b)) return;
  const change: { field: string; before?: unknown; after?: unknown } = { field: path };
  if (a !== undefined) change.before = a;
  if (b !== undefined) change.after = b;
  out.push(change);
}

function diffById(path: string, a: unknown[], b: unknown[], out: FieldChange[]): void {
  const index = (list: unknown[]): Map<string, unknown> => new Map(list.map((x, i) => [isRecord(x) && typeof x['id'] === 'string' ? x['id'] : String(i), x]));
  const ma = index(a);
  const mb = index(b);
  for (const id of [...new Set([...ma.keys(), ...mb.keys()])].sort()) diffValue(`${path}.${id}`, ma.get(id), mb.get(id), out);
  const order = (m: Map<string, unknown>): string => [...m.keys()].join(',');
  const common = (m: Map<string, unknown>, other: Map<string, unknown>): string => [...m.keys()].filter((k) => other.has(k)).join(',');
  if (common(ma, mb) !== common(mb, ma)) out.push({ field: `${path}[order]`, before: order(ma), after: order(mb) });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
