// Run facets: `parent` (the run that started this one), `nominalTime` (scheduled runs) and `errorMessage`
// (FAIL, and ABORT with a reason). Pure.
import { facet } from './facet-urls.ts';
import type { BaseFacet } from './openlineage-types.ts';
import type { ParentRun, RunFailure } from './run-inputs.ts';

export function parentFacet(producer: string, parent: ParentRun): BaseFacet {
  return facet('ParentRunFacet', producer, {
    run: { runId: parent.runId },
    job: { namespace: parent.namespace, name: parent.name },
    ...(parent.root === undefined
      ? {}
      : { root: { run: { runId: parent.root.runId }, job: { namespace: parent.root.namespace, name: parent.root.name } } }),
  });
}

export function nominalTimeFacet(producer: string, start: number, end?: number): BaseFacet {
  return facet('NominalTimeRunFacet', producer, {
    nominalStartTime: isoTime(start),
    ...(end === undefined ? {} : { nominalEndTime: isoTime(end) }),
  });
}

/** The slice runtime and user steps run on Node, so stack traces are JavaScript's. */
export const PROGRAMMING_LANGUAGE = 'JavaScript';

export function errorMessageFacet(producer: string, error: RunFailure): BaseFacet {
  return facet('ErrorMessageRunFacet', producer, {
    message: error.message,
    programmingLanguage: PROGRAMMING_LANGUAGE,
    ...(error.stack === undefined ? {} : { stackTrace: error.stack }),
  });
}

/** ISO 8601 in UTC with milliseconds, as OpenLineage's `date-time` wants. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
