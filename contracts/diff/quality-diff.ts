// Quality rules of a schema object or property. A removed rule is a warning (data is checked less); an
// added rule is also a warning, deliberately: a new check can fail runs on data that passed before, so a
// reviewer should see it, even though it does not change the shape of records. A matched rule whose
// thresholds change is a warning too; only its documentation changing is non-breaking. Removing values
// from an `invalidValues` rule's `validValues` is breaking, like removing an enum value.
import { asArray, asObject, asText, sameValue, type Obj, type RawPath } from './contract-view.ts';
import { show, type Emit } from './change-sink.ts';
import { diffValueList } from './options-diff.ts';

interface Rule {
  readonly key: string;
  readonly node: Obj;
  readonly raw: RawPath;
}

/** Keys that only document a rule; changing them never changes what the rule accepts. */
const DOC_KEYS = new Set(['description', 'name', 'id', 'tags', 'authoritativeDefinitions', 'customProperties', 'businessImpact', 'schedule', 'scheduler', 'severity']);

export function diffQuality(before: unknown, after: unknown, path: string, rawBefore: RawPath, rawAfter: RawPath, emit: Emit): void {
  const a = rules(before, [...rawBefore, 'quality']);
  const b = rules(after, [...rawAfter, 'quality']);
  const byKey = new Map(b.map((r) => [r.key, r]));
  for (const ra of a) {
    const rb = byKey.get(ra.key);
    const at = `${path}.quality.${ra.key}`;
    if (rb === undefined) {
      emit({ code: 'QUALITY_RULE_REMOVED', impact: 'warning', path: at, message: `quality rule \`${ra.key}\` was removed: data is no longer checked by it`, before: ra.node, raw: ra.raw, side: 'before' });
    } else {
      diffRule(ra, rb, at, emit);
    }
  }
  const keysBefore = new Set(a.map((r) => r.key));
  for (const rb of b) {
    if (keysBefore.has(rb.key)) continue;
    emit({ code: 'QUALITY_RULE_ADDED', impact: 'warning', path: `${path}.quality.${rb.key}`, message: `quality rule \`${rb.key}\` was added: runs whose data fails it will now report failures`, after: rb.node, raw: rb.raw, side: 'after' });
  }
}

function diffRule(a: Rule, b: Rule, path: string, emit: Emit): void {
  const va = validValues(a.node);
  const vb = validValues(b.node);
  if (va !== undefined && vb !== undefined) diffValueList(va, vb, `${path}.validValues`, b.raw, emit);
  const keys = [...new Set([...Object.keys(a.node), ...Object.keys(b.node)])].sort();
  const changed = keys.filter((k) => !sameValue(withoutValidValues(k, a.node[k]), withoutValidValues(k, b.node[k])));
  const operational = changed.filter((k) => !DOC_KEYS.has(k));
  if (operational.length > 0) {
    const detail = operational.map((k) => `\`${k}\` ${show(a.node[k])} -> ${show(b.node[k])}`).join(', ');
    emit({ code: 'QUALITY_RULE_CHANGED', impact: 'warning', path, message: `quality rule \`${a.key}\` changed: ${detail}`, before: a.node, after: b.node, raw: b.raw, side: 'after' });
  } else if (changed.length > 0) {
    emit({ code: 'METADATA_CHANGED', impact: 'non-breaking', path, message: `quality rule \`${a.key}\` documentation changed (${changed.map((k) => `\`${k}\``).join(', ')})`, raw: b.raw, side: 'after' });
  }
}

/** Rules keyed by name, else id, else metric (or deprecated `rule`), else type + position; repeats get `#2`. */
function rules(list: unknown, raw: RawPath): Rule[] {
  const seen = new Map<string, number>();
  const out: Rule[] = [];
  asArray(list).forEach((item, index) => {
    const node = asObject(item);
    if (node === undefined) return;
    const base = asText(node['name']) ?? asText(node['id']) ?? asText(node['metric']) ?? asText(node['rule']) ?? `${asText(node['type']) ?? 'rule'}#${index + 1}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    out.push({ key: n === 1 ? base : `${base}#${n}`, node, raw: [...raw, index] });
  });
  return out;
}

/** `arguments.validValues` (v3.1) or a top-level `validValues` (v3.0). */
function validValues(rule: Obj): readonly unknown[] | undefined {
  const args = asObject(rule['arguments']);
  const list = args?.['validValues'] ?? rule['validValues'];
  return Array.isArray(list) ? list : undefined;
}

function withoutValidValues(key: string, value: unknown): unknown {
  if (key === 'validValues') return undefined;
  if (key !== 'arguments') return value;
  const args = asObject(value);
  if (args === undefined) return value;
  const { validValues: _ignored, ...rest } = args;
  return rest;
}
