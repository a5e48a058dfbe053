// Test-only: one-line renderings of records, events and apply results, for golden files and failure messages.
import type { KvEvent, KvReader, KvRecord } from '../backend.ts';
import type { ApplyResult, OpResult } from '../apply.ts';

export function formatRecord(r: KvRecord): string {
  return `${r.key}=${JSON.stringify(r.value)} c=${r.createRevision} m=${r.modRevision} v=${r.version}`;
}

export function formatEvent(e: KvEvent): string {
  return `@${e.revision} ${e.type} ${formatRecord(e.record)}`;
}

/** `withMessage: false` leaves error messages out (a reference model knows codes, not wording). */
export function formatResult(result: ApplyResult, withMessage = true): string {
  if (!result.ok) {
    const current = result.current === undefined ? '' : ` current=${result.current === null ? 'none' : formatRecord(result.current)}`;
    const compacted = result.compactedRevision === undefined ? '' : ` compacted=${result.compactedRevision}`;
    return `${result.code} rev=${result.revision}${withMessage ? `: ${result.message}` : ''}${current}${compacted}`;
  }
  const parts = [`ok ${result.command} rev=${result.revision}`];
  if (result.succeeded !== undefined) parts.push(result.succeeded ? 'succeeded' : 'failed');
  if (result.failedCompare) {
    const { index, current } = result.failedCompare;
    parts.push(`compare[${index}] current=${current === null ? 'none' : formatRecord(current)}`);
  }
  parts.push(...result.results.map(formatOpResult));
  return parts.join(' | ');
}

function formatOpResult(r: OpResult): string {
  switch (r.type) {
    case 'put':
      return `put ${formatRecord(r.record)} prev=${r.prev === null ? 'none' : `m${r.prev.modRevision}v${r.prev.version}`}`;
    case 'delete':
    case 'delete-range':
      return `${r.type} [${r.deleted.map((d) => d.key).join(' ')}]`;
  }
}

/** The whole state: revision, applied index, compaction point, records, then the history kept. */
export function formatState(reader: KvReader): string {
  const lines = [`revision=${reader.revision()} applied=${reader.appliedIndex()} compacted=${reader.compactedRevision()}`];
  for (const r of reader.range('', undefined)) lines.push(`  ${formatRecord(r)}`);
  for (const e of reader.history('', undefined, reader.compactedRevision())) lines.push(`  ${formatEvent(e)}`);
  return lines.join('\n');
}
