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

/** Reads the state page by page (PAGE records or events at a time) and encodes each page as it goes, so the
 * transient memory is the encoded bytes plus one page of objects — not every record and event as objects at
 * once. Returns one buffer (no second copy). */
export function encodeSnapshot(reader: KvReader): Uint8Array {
  const chunks: Buffer[] = [];
  const header = drain(bodyPages(reader), (chunk) => chunks.push(chunk));
  return Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`, 'utf8'), ...chunks]);
}

/** Where writeSnapshot puts a snapshot: a file written front to back, whose first bytes can be rewritten. */
export interface SnapshotOutput {
  append(bytes: Uint8Array): void;
  /** Overwrites bytes already appended, from `position`. */
  writeAt(position: number, bytes: Uint8Array): void;
}

/** Bytes reserved for the header line by writeSnapshot: the header JSON, padded with spaces, then `\n`. */
export const HEADER_SLOT = 256;

/** encodeSnapshot streamed into `out`, one page at a time (memory: one page, not the snapshot). The header
 * counts are known only at the end, so the header line takes a fixed HEADER_SLOT bytes, padded with spaces
 * (JSON allows trailing whitespace: decodeSnapshot reads it like encodeSnapshot's), written last. */
export function writeSnapshot(reader: KvReader, out: SnapshotOutput): void {
  out.append(Buffer.alloc(HEADER_SLOT, ' '));
  out.writeAt(0, headerSlot(drain(bodyPages(reader), (chunk) => out.append(chunk))));
}

/** Emits every page of `body` and returns its header. */
function drain(body: Generator<Buffer, Header>, emit: (chunk: Buffer) => void): Header {
  for (let next = body.next(); ; next = body.next()) {
    if (next.done === true) return next.value;
    emit(next.value);
  }
}

function headerSlot(h: Header): Buffer {
  const header = Buffer.from(JSON.stringify(h), 'utf8');
  if (header.length >= HEADER_SLOT) throw new Error(`snapshot header of ${header.length} bytes does not fit its ${HEADER_SLOT}-byte slot`);
  const slot = Buffer.alloc(HEADER_SLOT, ' ');
  header.copy(slot);
  slot[HEADER_SLOT - 1] = 0x0a;
  return slot;
}

/** Every record line (key order) and then every retained event line (revision order), one encoded page per
 * step; returns the header that describes them. */
function* bodyPages(reader: KvReader, pageSize = PAGE): Generator<Buffer, Header> {
  const encode = (lines: readonly object[]): Buffer => Buffer.from(lines.map((l) => `${JSON.stringify(l)}\n`).join(''), 'utf8');
  let records = 0;
  for (let page = reader.range('', undefined, pageSize); page.length > 0; page = page.length < pageSize ? [] : reader.range(`${page.at(-1)!.key}\u0000`, undefined, pageSize)) {
    records += page.length;
    yield encode(page.map(recordLine));
  }
  const compactedRevision = reader.compactedRevision();
  let events = 0;
  if (hasEventJson(reader)) {
    for (const page of historyPages((from, limit) => reader.eventJson(from, limit), compactedRevision, pageSize)) {
      events += page.length;
      yield Buffer.concat(page.flatMap((e) => [e.json, NEWLINE]));
    }
  } else {
    for (const page of historyPages((from, limit) => reader.history('', undefined, from, limit), compactedRevision, pageSize)) {
      events += page.length;
      yield encode(page.map((e) => ({ type: e.type, revision: e.revision, record: recordLine(e.record) })));
    }
  }
  return { format: SNAPSHOT_FORMAT, revision: reader.revision(), compactedRevision, appliedIndex: reader.appliedIndex(), records, events };
}

const PAGE = 1000;
const NEWLINE = Buffer.from('\n');

/** A reader whose store keeps each history event as its JSON ({type, revision, record}: a valid event line of
 * this format): the snapshot copies those bytes instead of decoding and encoding every event, which was most of
 * a snapshot's cost (LmdbKvReader over a pinned transaction, barn/storage/local-snapshot.ts). */
export interface EventJsonReader extends KvReader {
  /** Events with revision ≥ fromRevision, at most `limit`, in (revision, seq) order, as stored. */
  eventJson(fromRevision: number, limit: number): { readonly revision: number; readonly json: Uint8Array }[];
}

function hasEventJson(reader: KvReader): reader is EventJsonReader {
  return typeof (reader as Partial<EventJsonReader>).eventJson === 'function';
}

/** History from `from` in pages that never split the events of one revision (a txn writes several keys at one
 * revision), so each next page starts exactly at a revision boundary. */
function* historyPages<E extends { readonly revision: number }>(read: (from: number, limit: number) => E[], from: number, pageSize: number): Generator<E[]> {
  let limit = pageSize;
  for (;;) {
    const page = read(from, limit);
    if (page.length < limit) {
      if (page.length > 0) yield page;
      return;
    }
    const last = page.at(-1)!.revision;
    const whole = page.filter((e) => e.revision < last);
    if (whole.length === 0) {
      limit *= 2; // one revision fills the page: read it whole
      continue;
    }
    yield whole;
    from = last;
    limit = pageSize;
  }
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
