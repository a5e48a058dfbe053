// Reads of the KV state, at the store's latest revision. Reads at an older revision are not served (history
// keeps events, not old versions of every key): a `revision` in a range query must equal the store revision,
// which makes paging consistent — every page of a listing comes from the same revision, or the request fails
// with BARN_REVISION_UNAVAILABLE and the client starts over.
import type { KvReader, KvRecord } from './backend.ts';
import type { StateError } from './errors.ts';
import { stateError } from './errors.ts';
import { prefixEnd } from './key-order.ts';

export interface GetResult {
  readonly record: KvRecord | undefined;
  /** The store revision the read was served at. */
  readonly revision: number;
}

export function get(reader: KvReader, key: string): GetResult {
  return { record: reader.get(key), revision: reader.revision() };
}

/** Either `prefix` (all keys starting with it; '' = every key) or `start` with optional `end` ([start, end)). */
export interface RangeQuery {
  readonly prefix?: string;
  readonly start?: string;
  readonly end?: string;
  /** At most this many records; 0 or undefined = no limit. */
  readonly limit?: number;
  /** Must equal the store revision when given (see above). */
  readonly revision?: number;
}

export interface RangeOk {
  readonly ok: true;
  readonly records: readonly KvRecord[];
  readonly revision: number;
  /** True when `limit` cut the listing short; `next` is then the `start` of the next page. */
  readonly more: boolean;
  readonly next?: string;
}

export type RangeResult = RangeOk | StateError;

export function range(reader: KvReader, query: RangeQuery): RangeResult {
  const bounds = boundsOf(query);
  if ('ok' in bounds) return bounds;
  const revision = reader.revision();
  if (query.revision !== undefined && query.revision !== revision) return revisionError(reader, query.revision);
  const limit = query.limit ?? 0;
  if (!Number.isSafeInteger(limit) || limit < 0) return stateError('BARN_INVALID_RANGE', 'limit must be a non-negative integer');
  const found = reader.range(bounds.start, bounds.end, limit === 0 ? undefined : limit + 1);
  if (limit === 0 || found.length <= limit) return { ok: true, records: found, revision, more: false };
  const records = found.slice(0, limit);
  return { ok: true, records, revision, more: true, next: `${records.at(-1)!.key}\u0000` };
}

function boundsOf(query: RangeQuery): { start: string; end: string | undefined } | StateError {
  if (query.prefix !== undefined) {
    if (query.start !== undefined || query.end !== undefined) {
      return stateError('BARN_INVALID_RANGE', 'give either prefix or start/end, not both');
    }
    return { start: query.prefix, end: prefixEnd(query.prefix) };
  }
  if (query.start === undefined) return stateError('BARN_INVALID_RANGE', 'give a prefix or a start key');
  return { start: query.start, end: query.end };
}

function revisionError(reader: KvReader, revision: number): StateError {
  const current = reader.revision();
  if (revision > current) return stateError('BARN_FUTURE_REVISION', `revision ${revision} is ahead of the store (${current})`);
  const compacted = reader.compactedRevision();
  if (revision < compacted) {
    return stateError('BARN_COMPACTED', `revision ${revision} is compacted (compaction point ${compacted})`, { compactedRevision: compacted });
  }
  return stateError('BARN_REVISION_UNAVAILABLE', `reads are served at the latest revision (${current}), not ${revision}`);
}
