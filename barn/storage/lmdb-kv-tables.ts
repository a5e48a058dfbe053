// The state machine's tables in the store's LMDB env, and reading them: records by key (UTF-8 byte order, as
// KvReader promises), history events by (revision, sequence) so watches read them in revision order and
// compaction drops a prefix, counters in `meta`. Values are stored as JSON. LmdbKvReader reads through the
// in-memory layers of write-back (kv-overlay.ts) over the env; the writers (lmdb-kv.ts, overlay-kv-writer.ts)
// extend it.
import type { Transaction } from 'lmdb';
import type { ConfState } from '../raft/types.ts';
import type { KvEvent, KvReader, KvRecord } from '../state/backend.ts';
import { decodeJson, decodeU64, readU64, writeU64 } from './codec.ts';
import { STORAGE_ERRORS, storageError } from './errors.ts';
import { LayeredReads, type KvBase, type KvOverlay, type SequencedEvent } from './kv-overlay.ts';
import { META, type StoreDbs, type WriteGate } from './lmdb-env.ts';

/** Longest key (UTF-8 bytes) the records table accepts: lmdb-js's default key limit minus the key prefix. */
export const MAX_KEY_BYTES = 1977;

const RECORD_PREFIX = 0x01; // LMDB rejects empty keys; the prefix makes '' storable without changing order.

type StoredRecord = [createRevision: number, modRevision: number, version: number, value: unknown];

/** lmdb-js read options: a pinned read transaction (a snapshot being taken reads the env as of one moment). */
export interface EnvReadOptions {
  readonly transaction?: Transaction;
}

/** The env's kv tables as the current transaction (or the latest read, or `at`'s pinned one) sees them. */
class EnvKvBase implements KvBase {
  /** `counterHook` answers counter(): the reader's cache or the writer's own values, over rawCounter. */
  constructor(private readonly dbs: StoreDbs, private readonly counterHook: (name: string) => number, private readonly at: EnvReadOptions = {}) {}

  get(key: string): KvRecord | undefined {
    const raw = this.dbs.records.get(recordKey(key), this.at);
    return raw === undefined ? undefined : decodeRecord(key, raw);
  }

  *range(start: string, end: string | undefined): Iterable<KvRecord> {
    const from = recordKey(start);
    const to = end === undefined ? undefined : recordKey(end);
    if (to !== undefined && Buffer.compare(to, from) <= 0) return;
    for (const { key, value } of this.dbs.records.getRange({ start: from, ...(to && { end: to }), ...this.at })) {
      yield decodeRecord(key.subarray(1).toString('utf8'), value);
    }
  }

  *events(fromRevision: number): Iterable<SequencedEvent> {
    for (const { key, value } of this.dbs.history.getRange({ start: historyStart(fromRevision), ...this.at })) {
      yield { event: decodeJson<KvEvent>(value, 'history event'), seq: key.readUInt32BE(8) };
    }
  }

  /** Events with revision ≥ fromRevision (at most `limit`) as stored: their JSON bytes, not decoded. */
  rawEvents(fromRevision: number, limit: number): { revision: number; json: Uint8Array }[] {
    const out: { revision: number; json: Uint8Array }[] = [];
    for (const { key, value } of this.dbs.history.getRange({ start: historyStart(fromRevision), limit, ...this.at })) {
      out.push({ revision: readU64(key, 0), json: value });
    }
    return out;
  }

  newestEventRevision(): number {
    for (const key of this.dbs.history.getKeys({ reverse: true, limit: 1, ...this.at })) return readU64(key, 0);
    return 0;
  }

  eventCount(revision: number): number {
    return this.dbs.history.getKeysCount({ start: historyKey(revision, 0), end: historyKey(revision + 1, 0), ...this.at });
  }

  counter(name: string): number {
    return this.counterHook(name);
  }

  rawCounter(name: string): number {
    return decodeU64(this.dbs.meta.get(name, this.at), 0);
  }

  confState(): ConfState | undefined {
    const raw = this.dbs.meta.get(META.confState, this.at);
    return raw === undefined ? undefined : decodeJson<ConfState>(raw, 'conf state');
  }

  checkKey(key: string): void {
    recordKey(key);
  }
}

const NO_LAYERS: readonly KvOverlay[] = [];

export class LmdbKvReader implements KvReader {
  protected readonly base: EnvKvBase;
  protected readonly reads: LayeredReads;

  /** `at`: read the env through this pinned read transaction only (no write-back layers: see layers()). */
  constructor(protected readonly dbs: StoreDbs, protected readonly gate: WriteGate, at?: EnvReadOptions) {
    this.base = new EnvKvBase(dbs, (name) => this.counter(name), at);
    this.reads = new LayeredReads(this.base, () => this.layers());
  }

  /** The in-memory layers over the env, bottom to top (kv-overlay.ts). */
  protected layers(): readonly KvOverlay[] {
    return NO_LAYERS;
  }

  protected check(): void {
    this.gate.assertOpen();
  }

  get(key: string): KvRecord | undefined {
    this.check();
    return this.reads.get(key);
  }

  range(start: string, end: string | undefined, limit?: number): KvRecord[] {
    this.check();
    return this.reads.range(start, end, limit);
  }

  revision(): number {
    return this.reads.counter(META.kvRevision);
  }

  appliedIndex(): number {
    return this.reads.counter(META.kvApplied);
  }

  compactedRevision(): number {
    return this.reads.counter(META.kvCompacted);
  }

  history(start: string, end: string | undefined, fromRevision: number, limit?: number): KvEvent[] {
    const compacted = this.compactedRevision();
    if (fromRevision < compacted) {
      throw storageError(
        STORAGE_ERRORS.HISTORY_COMPACTED,
        `revision ${fromRevision} is compacted (history starts at ${compacted})`,
        { fromRevision, compactedRevision: compacted },
      );
    }
    return this.reads.history(start, end, fromRevision, limit);
  }

  /** The Raft configuration as of the applied index (or the last installed snapshot), if one was recorded. */
  confState(): ConfState | undefined {
    this.check();
    return this.reads.confState();
  }

  /** The env's value of a counter (the layers' values come first, in `reads`). */
  protected counter(name: string): number {
    this.check();
    return this.base.rawCounter(name);
  }
}

export function recordKey(key: string): Buffer {
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > MAX_KEY_BYTES) {
    throw storageError(STORAGE_ERRORS.KEY_TOO_LARGE, `key of ${bytes} bytes exceeds the limit of ${MAX_KEY_BYTES}`, {
      bytes,
      limit: MAX_KEY_BYTES,
      keyStart: key.slice(0, 64),
    });
  }
  const out = Buffer.allocUnsafe(bytes + 1);
  out[0] = RECORD_PREFIX;
  out.write(key, 1, 'utf8');
  return out;
}

export function historyKey(revision: number, seq: number): Buffer {
  const out = Buffer.allocUnsafe(12);
  writeU64(out, 0, revision);
  out.writeUInt32BE(seq, 8);
  return out;
}

/** A record's value as JSON, as JSON.stringify writes it inside an array (undefined → null). */
export function valueJson(value: unknown): string {
  return value === undefined ? 'null' : (JSON.stringify(value) as string | undefined) ?? 'null';
}

/** `[createRevision, modRevision, version, value]`; `json` is valueJson(record.value), given when the caller has it. */
export function encodeRecord(record: KvRecord, json = valueJson(record.value)): Buffer {
  return Buffer.from(`[${record.createRevision},${record.modRevision},${record.version},${json}]`, 'utf8');
}

/** The event's JSON, the same text as JSON.stringify of {type, revision, record: {key, value, createRevision,
 * modRevision, version}} (a snapshot splices it as stored: barn/state/snapshot.ts); an undefined value is left
 * out, as JSON.stringify does. `json` is valueJson(event.record.value), given when the caller has it. */
export function encodeEvent(event: KvEvent, json = valueJson(event.record.value)): Buffer {
  const r = event.record;
  const value = r.value === undefined ? '' : `"value":${json},`;
  return Buffer.from(
    `{"type":${JSON.stringify(event.type)},"revision":${event.revision},"record":{"key":${JSON.stringify(r.key)},${value}` +
      `"createRevision":${r.createRevision},"modRevision":${r.modRevision},"version":${r.version}}}`,
    'utf8',
  );
}

function decodeRecord(key: string, raw: Uint8Array): KvRecord {
  const stored = decodeJson<StoredRecord>(raw, 'record');
  if (!Array.isArray(stored) || stored.length !== 4) {
    throw storageError(STORAGE_ERRORS.CORRUPT, `record ${JSON.stringify(key)} is malformed`, { key });
  }
  const [createRevision, modRevision, version, value] = stored;
  return { key, value, createRevision, modRevision, version };
}

/** The first history key at or after `revision` (a fractional or negative revision rounds up to a valid one). */
function historyStart(revision: number): Buffer {
  return historyKey(Math.max(0, Math.ceil(revision)), 0);
}

/** Inside a write transaction: removes the history events with revision below `revision`. */
export function deleteHistoryBelow(dbs: StoreDbs, revision: number): void {
  for (const key of [...dbs.history.getKeys({ end: historyStart(revision) })]) dbs.history.removeSync(key);
}
