// The accumulator of one run: observe() every record, then results() compares each rule's measurement
// (a count, or a percentage of the rows observed when `unit: percent`) with its operator. Memory is
// constant except for duplicateValues, which remembers every distinct value it has seen.
import { describeOperator, holds } from './operators.ts';
import type { Metric, QualityRule } from './quality-rules.ts';

interface Common {
  readonly rule: string;
  readonly property?: string;
  readonly dimension?: string;
  readonly severity?: string;
}

export type QualityResult =
  | (Common & { readonly kind: 'evaluated'; readonly metric: Metric; readonly passed: boolean; readonly observed: number; readonly expected: string })
  | (Common & { readonly kind: 'skipped'; readonly reason: string });

export interface QualityState {
  observe(record: unknown): void;
  /** Current results; may be called at any time (e.g. for RUNNING lineage events of a stream). */
  results(): QualityResult[];
  /** Records observed so far. */
  readonly rows: number;
}

type Counter = { readonly rule: QualityRule & { kind: 'compiled' }; count: number; readonly seen: Set<unknown> | undefined };

export function createQualityState(rules: readonly QualityRule[]): QualityState {
  const counters: Counter[] = [];
  for (const rule of rules) {
    if (rule.kind === 'compiled') counters.push({ rule, count: 0, seen: rule.measure.kind === 'duplicates' ? new Set() : undefined });
  }
  const perRecord = counters.filter((c) => c.rule.measure.kind !== 'rows');
  let rows = 0;
  return {
    get rows() {
      return rows;
    },
    observe(record) {
      rows++;
      for (const c of perRecord) observeOne(c, record);
    },
    results() {
      return rules.map((rule) => result(rule, counters, rows));
    },
  };
}

function observeOne(c: Counter, record: unknown): void {
  const m = c.rule.measure;
  switch (m.kind) {
    case 'count':
      if (m.matches(record)) c.count++;
      return;
    case 'duplicates': {
      const key = m.key(record);
      if (key === undefined) return;
      if (c.seen!.has(key)) c.count++;
      else c.seen!.add(key);
      return;
    }
    case 'rows':
      return;
  }
}

function result(rule: QualityRule, counters: readonly Counter[], rows: number): QualityResult {
  const common: Common = {
    rule: rule.rule,
    ...(rule.property === undefined ? {} : { property: rule.property }),
    ...(rule.dimension === undefined ? {} : { dimension: rule.dimension }),
    ...(rule.severity === undefined ? {} : { severity: rule.severity }),
  };
  if (rule.kind === 'skipped') return { ...common, kind: 'skipped', reason: rule.reason };
  const counter = counters.find((c) => c.rule === rule)!;
  const count = rule.measure.kind === 'rows' ? rows : counter.count;
  const observed = rule.percent ? (rows === 0 ? 0 : round((count * 100) / rows)) : count;
  return { ...common, kind: 'evaluated', metric: rule.metric, passed: holds(rule.op, observed), observed, expected: describeOperator(rule.op, rule.percent) };
}

/** Percentages to 6 decimals, so 1/3 of rows reads 33.333333 rather than a long binary fraction. */
function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
