// Raft snapshots of the KV state: every record, the store revision, the applied index, the compaction point
// and the history kept since it (so watches from any uncompacted revision still work on a replica that was
// restored from a snapshot). Encoding: NDJSON, one header line then one line per record (key order) and per
// event (revision order) — streamable and diffable:
//   {"format":"runink.barn.kv/1","revision":R,"compactedRevision":C,"appliedIndex":A,"records":n,"events":m}
//   {"key":…,"value":…,"createRevision":…,"modRevision":…,"version":…}        × n
//   {"type":"put"|"delete","revision":…,"record":{…}}                          × m
// restoreSnapshot replaces the whole state in the caller's write transaction, after checking all of the
// snapshot first: a bad snapshot is reported as data (BARN_BAD_SNAPSHOT) and changes nothing.
import type { KvEvent, KvReader, KvRecord, KvWriter } from './backend.ts';
import type { StateError } from './errors.ts';
import { stateError } from './errors.ts';
import { compareKeys } from './key-order.ts';

export const SNAPSHOT_FORMAT = 'runink.barn.kv/1';

interface Header {
  readonly format: string;
  readonly revision: number;
  readonly compactedRevision: number;
  readonly appliedIndex: number;
  readonly records: number;
  readonly events: number;
}

export interface DecodedSnapshot {
  readonly header: Header;
  readonly records: readonly KvRecord[];
  readonly events: readonly KvEvent[];
}

export function encodeSnapshot(reader: KvReader): Uint8Array {
  const records = reader.range('', undefined);
  const compactedRevision = reader.compactedRevision();
  const events = reader.history('', undefined, compactedRevision);
  const header: Header = {
    format: SNAPSHOT_FORMAT,
    revision: reader.revision(),
    compactedRevision,
    appliedIndex: reader.appliedIndex(),
    records: records.length,
    events: events.length,
  };
  const lines = [header, ...records.map(recordLine), ...events.map((e) => ({ type: e.type, revision: e.revision, record: recordLine(e.record) }))];
  const chunks: Buffer[] = [];
  for (let i = 0; i < lines.length; i += 1000) {
    chunks.push(Buffer.from(lines.slice(i, i + 1000).map((l) => `${JSON.stringify(l)}\n`).join(''), 'utf8'));
  }
  return new Uint8Array(Buffer.concat(chunks));
}

export type RestoreResult = { readonly ok: true; readonly revision: number; readonly appliedIndex: number } | StateError;

/** Replaces the state with the snapshot's. Needs compactHistory to set the compaction point exactly (even
 * below the current one): history is emptied by compacting above it, refilled, then the point is set. */
export function restoreSnapshot(w: KvWriter, data: Uint8Array): RestoreResult {
  const decoded = decodeSnapshot(data);
  if (!('header' in decoded)) return decoded;
  const { header, records, events } = decoded;
  for (const r of w.range('', undefined)) w.deleteKey(r.key);
  w.compactHistory(Math.max(w.revision(), header.revision) + 1);
  for (const r of records) w.putRecord(r);
  for (const e of events) w.appendEvent(e);
  w.setRevision(header.revision);
  w.setAppliedIndex(header.appliedIndex);
  w.compactHistory(header.compactedRevision);
  return { ok: true, revision: header.revision, appliedIndex: header.appliedIndex };
}

/** Parses and checks a snapshot completely (shape, counts, key order, revision bounds). */
export function decodeSnapshot(data: Uint8Array): DecodedSnapshot | StateError {
  let lines: unknown[];
  try {
    lines = splitLines(data).map((line) => JSON.parse(line) as unknown);
  } catch (e) {
    return bad(`not UTF-8 NDJSON: ${(e as Error).message}`);
  }
  const header = lines[0];
  if (!isHeader(header)) return bad(`the first line is not a ${SNAPSHOT_FORMAT} header`);
  if (lines.length !== 1 + header.records + header.events) return bad(`expected ${header.records} records and ${header.events} events, got ${lines.length - 1} lines`);
  const records: KvRecord[] = [];
  for (const line of lines.slice(1, 1 + header.records)) {
    if (!isRecord(line, header.revision)) return bad(`malformed record ${JSON.stringify(line)?.slice(0, 200)}`);
    const previous = records.at(-1);
    if (previous && compareKeys(previous.key, line.key) >= 0) return bad(`records out of key order at ${JSON.stringify(line.key)}`);
    records.push(line);
  }
  const events: KvEvent[] = [];
  for (const line of lines.slice(1 + header.records)) {
    if (!isEvent(line, header)) return bad(`malformed event ${JSON.stringify(line)?.slice(0, 200)}`);
    if ((events.at(-1)?.revision ?? 0) > line.revision) return bad(`events out of revision order at ${line.revision}`);
    events.push(line);
  }
  return { header, records, events };
}

function splitLines(data: Uint8Array): string[] {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const lines: string[] = [];
  let start = 0;
  while (start < data.length) {
    let end = data.indexOf(0x0a, start);
    if (end < 0) end = data.length;
    if (end > start) lines.push(decoder.decode(data.subarray(start, end)));
    start = end + 1;
  }
  return lines;
}

function recordLine(r: KvRecord): KvRecord {
  return { key: r.key, value: r.value, createRevision: r.createRevision, modRevision: r.modRevision, version: r.version };
}

function isHeader(v: unknown): v is Header {
  if (!isObject(v) || v['format'] !== SNAPSHOT_FORMAT) return false;
  const n = ['revision', 'compactedRevision', 'appliedIndex', 'records', 'events'].map((k) => v[k]);
  return n.every(isCount) && (v['compactedRevision'] as number) <= (v['revision'] as number) + 1;
}

function isRecord(v: unknown, revision: number): v is KvRecord {
  if (!isObject(v) || typeof v['key'] !== 'string' || v['key'] === '' || !Object.hasOwn(v, 'value')) return false;
  const { createRevision: c, modRevision: m, version } = v;
  return isCount(c) && isCount(m) && isCount(version) && c >= 1 && c <= m && m <= revision && version >= 1;
}

function isEvent(v: unknown, header: Header): v is KvEvent {
  if (!isObject(v) || (v['type'] !== 'put' && v['type'] !== 'delete')) return false;
  const revision = v['revision'];
  if (!isCount(revision) || revision < header.compactedRevision || revision > header.revision) return false;
  return isRecord(v['record'], header.revision);
}

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function bad(message: string): StateError {
  return stateError('BARN_BAD_SNAPSHOT', `snapshot ${message}`);
}
