// OpenLineage RunEvents for one run of a scenario: START, RUNNING (periodic, for `@stream` slices),
// COMPLETE, FAIL and ABORT. Pure: the event time comes from the injected Clock, the run id from the context.
import type { Clock } from '../../common/clock.ts';
import { producerUrl, RUN_EVENT_SCHEMA_URL } from './facet-urls.ts';
import { inputDatasets, outputDatasets } from './datasets.ts';
import { jobFacets } from './job-facets.ts';
import { jobNamespace } from './naming.ts';
import type { BaseFacet, RunEvent, RunEventType } from './openlineage-types.ts';
import { errorMessageFacet, isoTime, nominalTimeFacet, parentFacet } from './run-facets.ts';
import type { EventInput, RunContext } from './run-inputs.ts';

export function buildRunEvent(ctx: RunContext, eventType: RunEventType, clock: Clock, input: EventInput = {}): RunEvent {
  const producer = ctx.producer ?? producerUrl();
  const { scenario } = ctx;
  const runFacets: Record<string, BaseFacet> = {};
  if (ctx.parent !== undefined) runFacets['parent'] = parentFacet(producer, ctx.parent);
  if (ctx.nominalTime !== undefined) runFacets['nominalTime'] = nominalTimeFacet(producer, ctx.nominalTime.start, ctx.nominalTime.end);
  if (input.error !== undefined) runFacets['errorMessage'] = errorMessageFacet(producer, input.error);
  return {
    eventType,
    eventTime: isoTime(clock.now()),
    run: { runId: ctx.runId, facets: runFacets },
    job: { namespace: jobNamespace(ctx.project, scenario.herd), name: scenario.id, facets: jobFacets(producer, scenario, ctx.code) },
    inputs: inputDatasets(producer, scenario, ctx.contracts, input),
    outputs: outputDatasets(producer, scenario, ctx.contracts, input),
    producer,
    schemaURL: RUN_EVENT_SCHEMA_URL,
  };
}

/** The run began: datasets with their schemas, no statistics yet. */
export function startEvent(ctx: RunContext, clock: Clock): RunEvent {
  return buildRunEvent(ctx, 'START', clock);
}

/** A long-running (`@stream`) run is alive: cumulative statistics and quality results so far. */
export function runningEvent(ctx: RunContext, clock: Clock, input: Omit<EventInput, 'error'> = {}): RunEvent {
  return buildRunEvent(ctx, 'RUNNING', clock, { ...input, error: undefined });
}

export function completeEvent(ctx: RunContext, clock: Clock, input: Omit<EventInput, 'error'> = {}): RunEvent {
  return buildRunEvent(ctx, 'COMPLETE', clock, { ...input, error: undefined });
}

/** The run failed: `errorMessage` with the message and stack, plus whatever was counted before the failure. */
export function failEvent(ctx: RunContext, clock: Clock, input: EventInput & { readonly error: NonNullable<EventInput['error']> }): RunEvent {
  return buildRunEvent(ctx, 'FAIL', clock, input);
}

/** The run was stopped from outside (slice removed or moved, agent shutting down); `error` holds the reason. */
export function abortEvent(ctx: RunContext, clock: Clock, input: EventInput = {}): RunEvent {
  return buildRunEvent(ctx, 'ABORT', clock, input);
}
