// KvBackend on the store's LMDB env: the state machine's records, history events and counters live in the same
// env as the Raft log, so `write(fn)` commits the effects of applied entries and the applied index in ONE
// durable transaction (see lmdb-env.ts): after a crash the KV is exactly as of some applied index, never a
// partial batch.
//
// Tables: records by key (UTF-8 byte order, as KvReader promises), history events by (revision, sequence) so
// watches read them in revision order and compaction drops a prefix. Values are stored as JSON.
import type { ConfState } from '../raft/types.ts';
import type { KvBackend, KvEvent, KvReader, KvRecord, KvWriter } from '../state/backend.ts';
import { decodeJson, decodeU64, encodeJson, encodeU64, readU64, writeU64 } from './codec.ts';
import { STORAGE_ERRORS, storageError } from './errors.ts';
import { META, type StoreDbs, type WriteGate } from './lmdb-env.ts';

/** Longest key (UTF-8 bytes) the records table accepts: lmdb-js's default key limit minus the key prefix. */
export const MAX_KEY_BYTES = 1977;

const RECORD_PREFIX = 0x01; // LMDB rejects empty keys; the prefix makes '' storable without changing order.

/** The LMDB writer also records the Raft configuration, so a conf change and the applied index commit together. */
export interface LmdbKvWriter extends KvWriter {
  setConfState(confState: ConfState): void;
}

type StoredRecord = [createRevision: number, modRevision: number, version: number, value: unknown];

class LmdbKvReader implements KvReader {
  constructor(protected readonly dbs: StoreDbs, protected readonly gate: WriteGate) {}

  protected check(): void {
    this.gate.assertOpen();
  }

  get(key: string): KvRecord | undefined {
    this.check();
    const raw = this.dbs.records.getBinary(recordKey(key));
    return raw === undefined ? undefined : decodeRecord(key, raw);
  }

  range(start: string, end: string | undefined, limit?: number): KvRecord[] {
    this.check();
    const from = recordKey(start);
    const to = end === undefined ? undefined : recordKey(end);
    if ((to !== undefined && Buffer.compare(to, from) <= 0) || (limit !== undefined && limit <= 0)) return [];
    const out: KvRecord[] = [];
    for (const { key, value } of this.dbs.records.getRange({ start: from, ...(to && { end: to }), ...(limit && { limit }) })) {
      out.push(decodeRecord(key.subarray(1).toString('utf8'), value));
    }
    return out;
  }

  revision(): number {
    return this.counter(META.kvRevision);
  }

  appliedIndex(): number {
    return this.counter(META.kvApplied);
  }

  compactedRevision(): number {
    return this.counter(META.kvCompacted);
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
    const out: KvEvent[] = [];
    if (limit !== undefined && limit <= 0) return out;
    const lo = Buffer.from(start, 'utf8');
    const hi = end === undefined ? undefined : Buffer.from(end, 'utf8');
    for (const { value } of this.dbs.history.getRange({ start: historyKey(Math.max(0, Math.ceil(fromRevision)), 0) })) {
      const event = decodeJson<KvEvent>(value, 'history event');
      const k = Buffer.from(event.record.key, 'utf8');
      if (Buffer.compare(k, lo) < 0 || (hi !== undefined && Buffer.compare(k, hi) >= 0)) continue;
      out.push(event);
      if (limit !== undefined && out.length >= limit) break;
    }
    return out;
  }

  /** The Raft configuration as of the applied index (or the last installed snapshot), if one was recorded. */
  confState(): ConfState | undefined {
    this.check();
    const raw = this.dbs.meta.getBinary(META.confState);
    return raw === undefined ? undefined : decodeJson<ConfState>(raw, 'conf state');
  }

  protected counter(name: string): number {
    this.check();
    return decodeU64(this.dbs.meta.getBinary(name), 0);
  }
}

/** Valid only inside the write transaction it was created for; any use afterwards throws WRITER_CLOSED.
 * Assumes it is the only writer of the kv tables and counters in its transaction (LmdbKv creates one per
 * transaction): it remembers what it read or wrote of them instead of reading them again. */
class LmdbKvTxnWriter extends LmdbKvReader implements LmdbKvWriter {
  private open = true;
  /** Next sequence number per revision written in this transaction (several events may share a revision). */
  private readonly nextSeq = new Map<number, number>();
  /** Revision of the newest event, looked up on first use and forgotten when history is compacted. */
  private lastEventRevision: number | undefined;
  /** Counters (META keys) as of this transaction: read once, then kept up to date by this writer's sets. */
  private readonly counters = new Map<string, number>();
  /** Counters set in this transaction, written once at end(): only the last value of a transaction is ever
   * visible, so one put each (not one per entry) commits the same state. */
  private readonly dirty = new Set<string>();

  protected override check(): void {
    super.check();
    if (!this.open) throw storageError(STORAGE_ERRORS.WRITER_CLOSED, 'this KvWriter belongs to a write transaction that has ended');
  }

  protected override counter(name: string): number {
    let value = this.counters.get(name);
    if (value === undefined) {
      value = super.counter(name);
      this.counters.set(name, value);
    } else {
      this.check();
    }
    return value;
  }

  private setCounter(name: string, value: number): void {
    this.check();
    this.counters.set(name, value);
    this.dirty.add(name);
  }

  /** Called by LmdbKv before its transaction commits (also when fn threw: the transaction aborts anyway). */
  end(): void {
    if (!this.open) return;
    for (const name of this.dirty) this.dbs.meta.putSync(name, encodeU64(this.counters.get(name) as number));
    this.dirty.clear();
    this.open = false;
  }

  putRecord(record: KvRecord): void {
    this.check();
    const stored: StoredRecord = [record.createRevision, record.modRevision, record.version, record.value];
    this.dbs.records.putSync(recordKey(record.key), encodeJson(stored));
  }

  deleteKey(key: string): void {
    this.check();
    this.dbs.records.removeSync(recordKey(key));
  }

  /** Events must come in revision order (equal revisions allowed: one transaction touching several keys). */
  appendEvent(event: KvEvent): void {
    this.check();
    const rev = event.revision;
    const last = this.lastEventRevision ?? this.newestEventRevision();
    if (rev < last) {
      throw storageError(STORAGE_ERRORS.HISTORY_ORDER, `event at revision ${rev} after revision ${last} breaks revision order`, {
        revision: rev,
        lastRevision: last,
      });
    }
    this.lastEventRevision = rev;
    const seq = this.nextSeq.get(rev) ?? (rev > last ? 0 : this.storedEventCount(rev));
    this.dbs.history.putSync(historyKey(rev, seq), encodeJson(event));
    this.nextSeq.set(rev, seq + 1);
  }

  /** Events already stored at `rev` (only asked for the newest event's revision: above it there are none). */
  private storedEventCount(rev: number): number {
    return this.dbs.history.getKeysCount({ start: historyKey(rev, 0), end: historyKey(rev + 1, 0) });
  }

  setRevision(revision: number): void {
    this.setCounter(META.kvRevision, revision);
  }

  setAppliedIndex(index: number): void {
    this.setCounter(META.kvApplied, index);
  }

  /** Drops events below `revision` and sets the compaction point to exactly `revision`, even below the current
   * one (as MemoryBackend does: restoring a snapshot clears history this way, then sets the snapshot's point). */
  compactHistory(revision: number): void {
    this.check();
    const doomed = [...this.dbs.history.getKeys({ end: historyKey(Math.max(0, Math.ceil(revision)), 0) })];
    for (const key of doomed) this.dbs.history.removeSync(key);
    this.setCounter(META.kvCompacted, revision);
    this.lastEventRevision = undefined;
    this.nextSeq.clear();
  }

  private newestEventRevision(): number {
    for (const key of this.dbs.history.getKeys({ reverse: true, limit: 1 })) return readU64(key, 0);
    return 0;
  }

  setConfState(confState: ConfState): void {
    this.check();
    this.dbs.meta.putSync(META.confState, encodeJson(confState));
  }
}

export class LmdbKv extends LmdbKvReader implements KvBackend {
  /** Counters (revision, applied index, compaction point) as of the gate's write generation: the node reads
   * them on every loop pass; they only change when a write transaction ends. */
  private readonly counters = new Map<string, number>();
  private countersGeneration = -1;

  protected override counter(name: string): number {
    this.check();
    if (this.gate.writing) return super.counter(name); // inside a write: see its own changes
    if (this.countersGeneration !== this.gate.generation) {
      this.counters.clear();
      this.countersGeneration = this.gate.generation;
    }
    let value = this.counters.get(name);
    if (value === undefined) {
      value = super.counter(name);
      this.counters.set(name, value);
    }
    return value;
  }

  /** Runs fn in one durable write transaction: everything it wrote commits together when it returns, nothing
   * when it throws. fn must be synchronous; nested writes (or a write during persist) throw NESTED_WRITE. */
  write<T>(fn: (w: LmdbKvWriter) => T): T {
    return this.gate.run(() => this.writeInCurrentTxn(fn));
  }

  /** For LmdbStore.persistAndApply only: runs fn with a writer inside the write transaction already open. */
  writeInCurrentTxn<T>(fn: (w: LmdbKvWriter) => T): T {
    const writer = new LmdbKvTxnWriter(this.dbs, this.gate);
    try {
      return fn(writer);
    } finally {
      writer.end();
    }
  }
}

function recordKey(key: string): Buffer {
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

function historyKey(revision: number, seq: number): Buffer {
  const out = Buffer.allocUnsafe(12);
  writeU64(out, 0, revision);
  out.writeUInt32BE(seq, 8);
  return out;
}

function decodeRecord(key: string, raw: Uint8Array): KvRecord {
  const stored = decodeJson<StoredRecord>(raw, 'record');
  if (!Array.isArray(stored) || stored.length !== 4) {
    throw storageError(STORAGE_ERRORS.CORRUPT, `record ${JSON.stringify(key)} is malformed`, { key });
  }
  const [createRevision, modRevision, version, value] = stored;
  return { key, value, createRevision, modRevision, version };
}
