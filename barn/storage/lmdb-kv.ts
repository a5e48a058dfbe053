// KvBackend on the store's LMDB env: the state machine's records, history events and counters live in the same
// env as the Raft log, so `write(fn)` commits the effects of applied entries and the applied index in ONE
// durable transaction (see lmdb-env.ts): after a crash the KV is exactly as of some applied index, never a
// partial batch. In write-back mode (LmdbStore) applies run in memory (applyInMemory, kv-overlay.ts) and the
// next transaction (transact) writes them. The tables and their encodings: lmdb-kv-tables.ts.
import type { ConfState } from '../raft/types.ts';
import type { KvBackend, KvEvent, KvRecord, KvWriter } from '../state/backend.ts';
import { encodeJson, encodeU64 } from './codec.ts';
import { STORAGE_ERRORS, storageError } from './errors.ts';
import { KvOverlay } from './kv-overlay.ts';
import { isThenable, META, type StoreDbs, type WriteGate } from './lmdb-env.ts';
import { deleteHistoryBelow, encodeEvent, encodeRecord, historyKey, LmdbKvReader, recordKey, valueJson } from './lmdb-kv-tables.ts';
import { OverlayKvWriter } from './overlay-kv-writer.ts';

export { MAX_KEY_BYTES } from './lmdb-kv-tables.ts';

/** The LMDB writer also records the Raft configuration, so a conf change and the applied index commit together. */
export interface LmdbKvWriter extends KvWriter {
  setConfState(confState: ConfState): void;
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
    this.dbs.history.putSync(historyKey(rev, seq), encodeEvent(event));
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
    deleteHistoryBelow(this.dbs, revision);
    this.setCounter(META.kvCompacted, revision);
    this.lastEventRevision = undefined;
    this.nextSeq.clear();
  }

  setConfState(confState: ConfState): void {
    this.check();
    this.dbs.meta.putSync(META.confState, encodeJson(confState));
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
    if (o.dropBelow > 0) deleteHistoryBelow(this.dbs, o.dropBelow);
    // A put's event holds the same record object as the overlay (barn/state/mutations.ts): its value is
    // stringified once for both.
    const json = new Map<KvRecord, string>();
    for (const [key, record] of o.records) {
      if (record === null) {
        this.dbs.records.removeSync(recordKey(key));
        continue;
      }
      const j = valueJson(record.value);
      json.set(record, j);
      this.dbs.records.putSync(recordKey(key), encodeRecord(record, j));
    }
    for (const { event, seq } of o.events) this.dbs.history.putSync(historyKey(event.revision, seq), encodeEvent(event, json.get(event.record)));
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
