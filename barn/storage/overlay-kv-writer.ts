// An apply in memory (write-back): reads see the env, the store's overlay and the apply's own delta; writes go
// to the delta only (kv-overlay.ts). LmdbKv.applyInMemory creates one per apply.
import type { ConfState } from '../raft/types.ts';
import type { KvEvent, KvRecord } from '../state/backend.ts';
import { STORAGE_ERRORS, storageError } from './errors.ts';
import type { KvOverlay } from './kv-overlay.ts';
import { META, type StoreDbs, type WriteGate } from './lmdb-env.ts';
import type { LmdbKvWriter } from './lmdb-kv.ts';
import { LmdbKvReader } from './lmdb-kv-tables.ts';

/** An apply in memory (write-back, kv-overlay.ts): it writes its own delta over the store's overlay, and
 * LmdbKv.applyInMemory merges the delta when the apply returns. Valid only during that apply. */
export class OverlayKvWriter extends LmdbKvReader implements LmdbKvWriter {
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

