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
import { KvOverlay, LayeredReads, type KvBase, type SequencedEvent } from './kv-overlay.ts';
import { isThenable, META, type StoreDbs, type WriteGate } from './lmdb-env.ts';

/** Longest key (UTF-8 bytes) the records table accepts: lmdb-js's default key limit minus the key prefix. */
export const MAX_KEY_BYTES = 1977;

const RECORD_PREFIX = 0x01; // LMDB rejects empty keys; the prefix makes '' storable without changing order.

/** The LMDB writer also records the Raft configuration, so a conf change and the applied index commit together. */
export interface LmdbKvWriter extends KvWriter {
  setConfState(confState: ConfState): void;
}

type StoredRecord = [createRevision: number, modRevision: number, version: number, value: unknown];

/** The env's kv tables as the current transaction (or the latest read) sees them. */
class EnvKvBase implements KvBase {
  /** `counterHook` answers counter(): the reader's cache or the writer's own values, over rawCounter. */
  constructor(private readonly dbs: StoreDbs, private readonly counterHook: (name: string) => number) {}

  get(key: string): KvRecord | undefined {
    const raw = this.dbs.records.getBinary(recordKey(key));
    return raw === undefined ? undefined : decodeRecord(key, raw);
  }

  *range(start: string, end: string | undefined): Iterable<KvRecord> {
    const from = recordKey(start);
    const to = end === undefined ? undefined : recordKey(end);
    if (to !== undefined && Buffer.compare(to, from) <= 0) return;
    for (const { key, value } of this.dbs.records.getRange({ start: from, ...(to && { end: to }) })) {
      yield decodeRecord(key.subarray(1).toString('utf8'), value);
    }
  }

  *events(fromRevision: number): Iterable<SequencedEvent> {
    for (const { key, value } of this.dbs.history.getRange({ start: historyKey(Math.max(0, Math.ceil(fromRevision)), 0) })) {
      yield { event: decodeJson<KvEvent>(value, 'history event'), seq: key.readUInt32BE(8) };
    }
  }

  newestEventRevision(): number {
    for (const key of this.dbs.history.getKeys({ reverse: true, limit: 1 })) return readU64(key, 0);
    return 0;
  }

  eventCount(revision: number): number {
    return this.dbs.history.getKeysCount({ start: historyKey(revision, 0), end: historyKey(revision + 1, 0) });
  }

  counter(name: string): number {
    return this.counterHook(name);
  }

  rawCounter(name: string): number {
    return decodeU64(this.dbs.meta.getBinary(name), 0);
  }

  confState(): ConfState | undefined {
    const raw = this.dbs.meta.getBinary(META.confState);
    return raw === undefined ? undefined : decodeJson<ConfState>(raw, 'conf state');
  }

  checkKey(key: string): void {
    recordKey(key);
  }
}

const NO_LAYERS: readonly KvOverlay[] = [];

class LmdbKvReader implements KvReader {
  protected readonly base: EnvKvBase;
  protected readonly reads: LayeredReads;

  constructor(protected readonly dbs: StoreDbs, protected readonly gate: WriteGate) {
    this.base = new EnvKvBase(dbs, (name) => this.counter(name));
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
    this.dbs.records.putSync(recordKey(record.key), encodeRecord(record));
  }

  deleteKey(key: string): void {
    this.check();
    this.dbs.records.removeSync(recordKey(key));
  }

  /** Events must come in revision order (equal revisions allowed: one transaction touching several keys). */
  appendEvent(event: KvEvent): void {
    this.check();
    const rev = event.revision;
    const last = this.lastEventRevision ?? this.base.newestEventRevision();
    if (rev < last) {
      throw storageError(STORAGE_ERRORS.HISTORY_ORDER, `event at revision ${rev} after revision ${last} breaks revision order`, {
        revision: rev,
        lastRevision: last,
      });
    }
    this.lastEventRevision = rev;
    const seq = this.nextSeq.get(rev) ?? (rev > last ? 0 : this.base.eventCount(rev));
    this.dbs.history.putSync(historyKey(rev, seq), encodeJson(event));
    this.nextSeq.set(rev, seq + 1);
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


  setConfState(confState: ConfState): void {
    this.check();
    this.dbs.meta.putSync(META.confState, encodeJson(confState));
  }
}

/** An apply in memory (write-back, kv-overlay.ts): it writes its own delta over the store's overlay, and
 * LmdbKv.applyInMemory merges the delta when the apply returns. Valid only during that apply. */
class OverlayKvWriter extends LmdbKvReader implements LmdbKvWriter {
  private open = true;
  private readonly stack: readonly KvOverlay[];

  constructor(dbs: StoreDbs, gate: WriteGate, overlay: KvOverlay, private readonly delta: KvOverlay) {
    super(dbs, gate);
    this.stack = [overlay, delta];
  }

  protected override layers(): readonly KvOverlay[] {
    return this.stack;
  }

  protected override check(): void {
    super.check();
    if (!this.open) throw storageError(STORAGE_ERRORS.WRITER_CLOSED, 'this KvWriter belongs to an apply that has ended');
  }

  end(): void {
    this.open = false;
  }

  putRecord(record: KvRecord): void {
    this.check();
    this.base.checkKey(record.key);
    this.delta.records.set(record.key, record);
  }

  deleteKey(key: string): void {
    this.check();
    this.base.checkKey(key);
    this.delta.records.set(key, null);
  }

  /** Events must come in revision order, as LmdbKvTxnWriter's. */
  appendEvent(event: KvEvent): void {
    this.check();
    const newest = this.reads.newest();
    if (event.revision < newest.revision) {
      throw storageError(STORAGE_ERRORS.HISTORY_ORDER, `event at revision ${event.revision} after revision ${newest.revision} breaks revision order`, {
        revision: event.revision,
        lastRevision: newest.revision,
      });
    }
    this.delta.events.push({ event, seq: event.revision === newest.revision ? newest.count : 0 });
  }

  setRevision(revision: number): void {
    this.check();
    this.delta.counters.set(META.kvRevision, revision);
  }

  setAppliedIndex(index: number): void {
    this.check();
    this.delta.counters.set(META.kvApplied, index);
  }

  /** As LmdbKvTxnWriter's: the events below go (from the layers below when the delta is written back). */
  compactHistory(revision: number): void {
    this.check();
    const drop = Math.max(0, Math.ceil(revision));
    this.delta.events = this.delta.events.filter((e) => e.event.revision >= drop);
    this.delta.dropBelow = Math.max(this.delta.dropBelow, drop);
    this.delta.counters.set(META.kvCompacted, revision);
  }

  setConfState(confState: ConfState): void {
    this.check();
    this.delta.confState = confState;
  }
}

/** What else every env transaction writes first (LmdbStore: its log tail), and learns when it committed. */
export interface TransactionCompanion {
  inTransaction(): void;
  committed(): void;
}

const NO_COMPANION: TransactionCompanion = { inTransaction: () => undefined, committed: () => undefined };

export class LmdbKv extends LmdbKvReader implements KvBackend {
  /** Counters (revision, applied index, compaction point) as of the gate's write generation: the node reads
   * them on every loop pass; they only change when a write transaction ends. */
  private readonly counters = new Map<string, number>();
  private countersGeneration = -1;
  /** Applied in memory, not yet in the env (write-back). */
  private overlay = new KvOverlay();
  private stack: readonly KvOverlay[] = [this.overlay];

  constructor(dbs: StoreDbs, gate: WriteGate, private readonly companion: TransactionCompanion = NO_COMPANION) {
    super(dbs, gate);
  }

  protected override layers(): readonly KvOverlay[] {
    return this.stack;
  }

  /** Records plus events applied in memory and not yet written to the env. */
  get overlaySize(): number {
    return this.overlay.size;
  }

  get overlayEmpty(): boolean {
    return this.overlay.empty;
  }

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
    return this.transact(() => this.writeInCurrentTxn(fn));
  }

  /** THE env transaction of the store: it first writes what waits in memory — the companion's part (the
   * store's log tail) and the overlay — then runs body. What waited leaves memory only once the transaction
   * committed; when it throws, memory keeps it whole (and the env has none of it). */
  transact<T>(body: () => T): T {
    const waiting = this.overlay;
    let result: T;
    try {
      result = this.gate.run(() => {
        this.companion.inTransaction();
        this.writeOverlay(waiting);
        // Reads inside the transaction now go to the env, which has the overlay's contents.
        this.setOverlay(new KvOverlay());
        return body();
      });
    } catch (e) {
      this.setOverlay(waiting);
      throw e;
    }
    this.companion.committed();
    return result;
  }

  private setOverlay(o: KvOverlay): void {
    this.overlay = o;
    this.stack = [o];
  }

  /** Write-back: runs fn against the env plus what is applied in memory, and keeps its effects in memory too
   * (the next transaction writes them to the env, transact). All of fn's effects become visible
   * together when it returns; none when it throws. fn must be synchronous. */
  applyInMemory<T>(fn: (w: LmdbKvWriter) => T): T {
    this.check();
    if (this.gate.writing) throw storageError(STORAGE_ERRORS.NESTED_WRITE, 'an apply in memory cannot run inside a write transaction');
    const delta = new KvOverlay();
    const writer = new OverlayKvWriter(this.dbs, this.gate, this.overlay, delta);
    let result: T;
    try {
      result = fn(writer);
    } finally {
      writer.end();
    }
    if (isThenable(result)) throw storageError(STORAGE_ERRORS.ASYNC_WRITE, 'a store write callback must be synchronous (it returned a promise)');
    this.overlay.absorb(delta);
    return result;
  }

  /** Inside transact: the overlay's contents into the env. */
  private writeOverlay(o: KvOverlay): void {
    if (o.empty) return;
    if (o.dropBelow > 0) for (const key of [...this.dbs.history.getKeys({ end: historyKey(o.dropBelow, 0) })]) this.dbs.history.removeSync(key);
    for (const [key, record] of o.records) {
      if (record === null) this.dbs.records.removeSync(recordKey(key));
      else this.dbs.records.putSync(recordKey(key), encodeRecord(record));
    }
    for (const { event, seq } of o.events) this.dbs.history.putSync(historyKey(event.revision, seq), encodeJson(event));
    for (const [name, value] of o.counters) this.dbs.meta.putSync(name, encodeU64(value));
    if (o.confState !== undefined) this.dbs.meta.putSync(META.confState, encodeJson(o.confState));
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

function encodeRecord(record: KvRecord): Buffer {
  const stored: StoredRecord = [record.createRevision, record.modRevision, record.version, record.value];
  return encodeJson(stored);
}

function decodeRecord(key: string, raw: Uint8Array): KvRecord {
  const stored = decodeJson<StoredRecord>(raw, 'record');
  if (!Array.isArray(stored) || stored.length !== 4) {
    throw storageError(STORAGE_ERRORS.CORRUPT, `record ${JSON.stringify(key)} is malformed`, { key });
  }
  const [createRevision, modRevision, version, value] = stored;
  return { key, value, createRevision, modRevision, version };
}
