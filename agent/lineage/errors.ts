// The lineage error catalogue: stable codes for every failure this module reports. Findings about an event
// (schema violations) are returned as data (`EventProblem`); failures of the environment (missing schemas,
// a full or corrupt spool, an endpoint that refuses events) are RuninkErrors with these codes and data.
import { RuninkError } from '../../common/error.ts';

export const LINEAGE_CODES = {
  /** The event breaks the OpenLineage core schema. */
  EVENT_SCHEMA: 'LINEAGE_EVENT_SCHEMA',
  /** A facet breaks its official facet schema. */
  FACET_SCHEMA: 'LINEAGE_FACET_SCHEMA',
  /** A facet's `_schemaURL` points into an official facet schema at a definition that does not exist. */
  FACET_SCHEMA_URL: 'LINEAGE_FACET_SCHEMA_URL',
  /** The conformance folder has no OpenLineage core schema or facet schemas. */
  SCHEMAS_MISSING: 'LINEAGE_SCHEMAS_MISSING',
  /** The emitter's spool would exceed its size bound: events are being produced faster than the endpoint
   * accepts them, or the endpoint has been down for long. */
  SPOOL_FULL: 'LINEAGE_SPOOL_FULL',
  /** A spool line (other than a torn last line) is not a spool record. */
  SPOOL_CORRUPT: 'LINEAGE_SPOOL_CORRUPT',
  /** Another live emitter (this process or another) has the spool open. */
  SPOOL_LOCKED: 'LINEAGE_SPOOL_LOCKED',
  /** The endpoint answered with a status that will not change on retry (4xx other than 408/429). */
  ENDPOINT_REJECTED: 'LINEAGE_ENDPOINT_REJECTED',
  /** The endpoint could not be reached or answered 5xx/408/429; the event stays spooled and is retried. */
  ENDPOINT_UNAVAILABLE: 'LINEAGE_ENDPOINT_UNAVAILABLE',
  /** A run's events were asked for out of lifecycle order (a second START, anything after the terminal event). */
  RUN_STATE: 'LINEAGE_RUN_STATE',
  /** The emitter was used after `close()`. */
  EMITTER_CLOSED: 'LINEAGE_EMITTER_CLOSED',
} as const;

export type LineageCode = (typeof LINEAGE_CODES)[keyof typeof LINEAGE_CODES];

export function lineageError(code: LineageCode, message: string, data: Record<string, unknown> = {}, cause?: unknown): RuninkError {
  return new RuninkError(code, message, data, cause === undefined ? undefined : { cause });
}
