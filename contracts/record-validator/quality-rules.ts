// ODCS quality rules of one schema object (its own and its properties', nested objects included), compiled
// to measures that a QualityState accumulates record by record. Only `library` metrics are evaluated;
// sql/custom/text rules, rules inside array items and malformed rules come back as `skipped` with a reason.
import { asArray, asObject, asText, canonical, type Obj, type RawPath } from '../diff/contract-view.ts';
import { readOperator, type Operator } from './operators.ts';
import { report, type BuildContext } from './build-context.ts';

export type Metric = 'nullValues' | 'missingValues' | 'invalidValues' | 'duplicateValues' | 'rowCount';
export type Get = (record: unknown) => unknown;

/** What a rule counts per record. `duplicates` keys are compared with ===; undefined means "not counted". */
export type Measure =
  | { readonly kind: 'count'; readonly matches: (record: unknown) => boolean }
  | { readonly kind: 'duplicates'; readonly key: (record: unknown) => unknown }
  | { readonly kind: 'rows' };

interface RuleInfo {
  readonly rule: string;
  readonly property?: string;
  readonly dimension?: string;
  readonly severity?: string;
}

export type QualityRule =
  | (RuleInfo & { readonly kind: 'compiled'; readonly metric: Metric; readonly op: Operator; readonly percent: boolean; readonly measure: Measure })
  | (RuleInfo & { readonly kind: 'skipped'; readonly reason: string });

const METRICS: readonly string[] = ['nullValues', 'missingValues', 'invalidValues', 'duplicateValues', 'rowCount'];
/** ODCS v3.0 `rule:` names and their v3.1 metric. */
const LEGACY: Readonly<Record<string, Metric>> = { nullCheck: 'nullValues', duplicateCount: 'duplicateValues', validValues: 'invalidValues', rowCount: 'rowCount' };

export function compileQualityRules(objectName: string, object: Obj, raw: RawPath, ctx: BuildContext): QualityRule[] {
  const out: QualityRule[] = [];
  const names = new Map<string, number>();
  const unique = (base: string): string => {
    const n = (names.get(base) ?? 0) + 1;
    names.set(base, n);
    return n === 1 ? base : `${base}#${n}`;
  };
  const visit = (node: Obj, at: RawPath, path: readonly string[] | undefined, inItems: boolean): void => {
    asArray(node['quality']).forEach((item, index) => {
      const rule = asObject(item);
      if (rule === undefined) return;
      const label = path === undefined ? objectName : `${objectName}.${path.join('.')}`;
      const base = asText(rule['name']) ?? asText(rule['id']) ?? `${label}.${asText(rule['metric']) ?? asText(rule['rule']) ?? asText(rule['type']) ?? 'rule'}`;
      out.push(compileRule(rule, unique(base), path, inItems, [...at, 'quality', index], ctx));
    });
    asArray(node['properties']).forEach((item, index) => {
      const prop = asObject(item);
      const name = asText(prop?.['name']);
      if (prop === undefined || name === undefined) return;
      visit(prop, [...at, 'properties', index], [...(path ?? []), name], inItems);
    });
    const items = asObject(node['items']);
    if (items !== undefined) visit(items, [...at, 'items'], [...(path ?? []), '[]'], true);
  };
  visit(object, raw, undefined, false);
  return out;
}

function compileRule(rule: Obj, name: string, path: readonly string[] | undefined, inItems: boolean, raw: RawPath, ctx: BuildContext): QualityRule {
  const info: RuleInfo = {
    rule: name,
    ...(path === undefined ? {} : { property: path.join('.') }),
    ...(asText(rule['dimension']) === undefined ? {} : { dimension: asText(rule['dimension'])! }),
    ...(asText(rule['severity']) === undefined ? {} : { severity: asText(rule['severity'])! }),
  };
  const skip = (reason: string, warn = false): QualityRule => {
    if (warn) report(ctx, 'CONTRACT_RECORD_QUALITY_INVALID', `quality rule \`${name}\` ${reason}; it is skipped`, raw, { severity: 'warning', hint: 'see the ODCS data quality section' });
    return { ...info, kind: 'skipped', reason };
  };
  const type = asText(rule['type']) ?? 'library';
  if (type !== 'library') return skip(type === 'text' ? 'text rules only document quality' : `${type} rules are not run by Runink (only library metrics are)`);
  if (inItems) return skip('rules inside array items are not evaluated');
  const metricText = asText(rule['metric']) ?? asText(rule['rule']);
  const metric = metricText === undefined ? undefined : METRICS.includes(metricText) ? (metricText as Metric) : LEGACY[metricText];
  if (metric === undefined) return skip(metricText === undefined ? 'has no `metric`' : `uses metric \`${metricText}\`, which is not one of ${METRICS.join(', ')}`, true);
  const op = readOperator(rule);
  if ('error' in op) return skip(op.error, true);
  const unit = asText(rule['unit']) ?? 'rows';
  if (unit !== 'rows' && unit !== 'percent') return skip(`has unit \`${unit}\`; only rows and percent are supported`, true);
  const measure = measureFor(metric, rule, path);
  if (typeof measure === 'string') return skip(measure, true);
  return { ...info, kind: 'compiled', metric, op, percent: unit === 'percent', measure };
}

function measureFor(metric: Metric, rule: Obj, path: readonly string[] | undefined): Measure | string {
  const args = asObject(rule['arguments']) ?? {};
  if (metric === 'rowCount') return { kind: 'rows' };
  if (metric === 'duplicateValues') {
    if (path !== undefined) {
      const get = getter(path);
      return { kind: 'duplicates', key: (r) => {
        const v = get(r);
        return v == null ? undefined : valueKey(v);
      } };
    }
    const columns = asArray(args['properties']).filter((p): p is string => typeof p === 'string');
    if (columns.length === 0) return 'needs `arguments.properties` (the columns to compare) at schema level';
    const gets = columns.map((c) => getter(c.split('.')));
    return { kind: 'duplicates', key: (r) => compositeKey(gets.map((g) => g(r))) };
  }
  if (path === undefined) return `${metric} applies to a property; put the rule under the property`;
  const get = getter(path);
  switch (metric) {
    case 'nullValues':
      return { kind: 'count', matches: (r) => get(r) == null };
    case 'missingValues': {
      const missing = valueSet(Array.isArray(args['missingValues']) ? args['missingValues'] : [null, '']);
      return { kind: 'count', matches: (r) => missing(get(r)) };
    }
    case 'invalidValues':
      return invalidMeasure(get, args, rule);
  }
}

/** A value is valid when it is in `validValues` (if given) and, unless null, matches `pattern` (if given). */
function invalidMeasure(get: Get, args: Obj, rule: Obj): Measure | string {
  const list = args['validValues'] ?? rule['validValues'];
  const pattern = asText(args['pattern']);
  if (!Array.isArray(list) && pattern === undefined) return 'needs `arguments.validValues` or `arguments.pattern`';
  let re: RegExp | undefined;
  try {
    re = pattern === undefined ? undefined : new RegExp(pattern, 'u');
  } catch {
    return `has an invalid \`arguments.pattern\` ${JSON.stringify(pattern)}`;
  }
  const valid = Array.isArray(list) ? valueSet(list) : undefined;
  return {
    kind: 'count',
    matches: (r) => {
      const v = get(r);
      if (valid !== undefined && !valid(v)) return true;
      return re !== undefined && v != null && !re.test(typeof v === 'string' ? v : String(v));
    },
  };
}

function getter(path: readonly string[]): Get {
  if (path.length === 1) {
    const key = path[0]!;
    return (r) => (typeof r === 'object' && r !== null && Object.hasOwn(r, key) ? (r as Record<string, unknown>)[key] : undefined);
  }
  return (r) => {
    let v = r;
    for (const key of path) {
      if (typeof v !== 'object' || v === null || !Object.hasOwn(v, key)) return undefined;
      v = (v as Record<string, unknown>)[key];
    }
    return v;
  };
}

/** Membership test for a list of allowed values; absent counts as null. */
function valueSet(list: readonly unknown[]): (v: unknown) => boolean {
  const set = new Set(list.map(valueKey));
  return (v) => set.has(valueKey(v ?? null));
}

/** Primitives stand for themselves; objects and arrays by canonical JSON (prefixed so no string collides). */
function valueKey(v: unknown): unknown {
  if (v === undefined || v === null) return v === undefined ? undefined : null;
  return typeof v === 'object' ? `\u0000${canonical(v)}` : v;
}

/** Composite key of several columns; undefined (not counted) when every column is null. */
function compositeKey(values: unknown[]): unknown {
  return values.every((v) => v == null) ? undefined : canonical(values.map((v) => v ?? null));
}
