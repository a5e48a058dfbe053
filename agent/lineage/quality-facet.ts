// Validate-step results → OpenLineage `dataQualityAssertions` (DataQualityAssertionsDatasetFacet 1-1-0): one
// assertion per rule and column; `success` is the rule's verdict, or "no record failed" when counts are given
// (the counts go to `params`). `assertionsFromQuality` reads the contract record validator's rule results.
// Pure.
import type { QualityResult } from '../../contracts/record-validator/quality-state.ts';
import { facet } from './facet-urls.ts';
import type { BaseFacet } from './openlineage-types.ts';
import type { AssertionResult } from './run-inputs.ts';

export interface OlAssertion {
  readonly assertion: string;
  readonly success: boolean;
  readonly column?: string;
  readonly name?: string;
  readonly severity?: string;
  readonly description?: string;
  readonly expected?: string;
  readonly actual?: string;
  readonly params?: Readonly<Record<string, string | number | boolean>>;
}

export function toAssertion(r: AssertionResult): OlAssertion {
  const counted = r.passed !== undefined || r.failed !== undefined;
  const passed = r.passed ?? 0;
  const failed = r.failed ?? 0;
  const params = { ...r.params, ...(counted ? { passed, failed } : {}) };
  const actual = r.actual ?? (counted ? `${failed} of ${passed + failed} records failed` : undefined);
  return {
    assertion: r.assertion,
    success: r.success ?? failed === 0,
    ...(r.column === undefined ? {} : { column: r.column }),
    ...(r.name === undefined ? {} : { name: r.name }),
    ...(r.severity === undefined ? {} : { severity: r.severity }),
    ...(r.description === undefined ? {} : { description: r.description }),
    ...(r.expected === undefined ? {} : { expected: r.expected }),
    ...(actual === undefined ? {} : { actual }),
    ...(Object.keys(params).length === 0 ? {} : { params }),
  };
}

export function dataQualityAssertionsFacet(producer: string, results: readonly AssertionResult[]): BaseFacet {
  return facet('DataQualityAssertionsDatasetFacet', producer, { assertions: results.map(toAssertion) });
}

/** The contract quality rules a validate step evaluated (contracts/record-validator), as assertions: the
 * metric classifies, the property is the column, the rule names it, the measurement is `actual`. Rules the
 * validator skipped were not evaluated and are left out. */
export function assertionsFromQuality(results: readonly QualityResult[]): AssertionResult[] {
  return results.flatMap((q): AssertionResult[] =>
    q.kind === 'skipped'
      ? []
      : [
          {
            assertion: q.metric,
            name: q.rule,
            success: q.passed,
            expected: q.expected,
            actual: String(q.observed),
            ...(q.property === undefined ? {} : { column: q.property }),
            ...(q.severity === undefined ? {} : { severity: q.severity }),
            ...(q.dimension === undefined ? {} : { params: { dimension: q.dimension } }),
          },
        ],
  );
}
