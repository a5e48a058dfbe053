// A local snapshot that is written while the node goes on (LmdbStore.beginSnapshot → write → LmdbStore
// finishSnapshot). Writing a few MB of state and history in one pass stalled every member for 250–550 ms at each
// snapshot (docs/performance.md); instead the state as of the snapshot's index is read through a pinned LMDB read
// transaction, a slice of at most SLICE_MS per turn of the event loop, while later writes go on.
//
// Ownership: the store creates it; finishSnapshot, the store's close, or whoever gives up on it (release)
// releases it. The producer reads `reader` and awaits `pause()` between pages. Once released, `pause()` rejects
// with SNAPSHOT_ABANDONED and the reader refuses every read (the same code), so nothing reads a released
// transaction or, by falling back to lmdb-js's current one, a newer state. A write transaction in progress would
// shadow the pinned one for point reads, so the reader refuses reads during one too.
//
// Slices: 50 ms is far below an election timeout (0.5–1 s) yet few enough turns that the pin stays short and
// requests see a few short waits rather than one in every turn (measured in docs/performance.md: 4 ms slices raised
// p99 at 64 in flight on 3 nodes by ~80%, 50 ms left it unchanged). While pinned, LMDB cannot reuse pages freed
// after the pin, so the env grows by what is written meanwhile.
import type { Transaction } from 'lmdb';
import type { SnapshotMetadata } from '../raft/types.ts';
import type { EventJsonReader } from '../state/snapshot.ts';
import { STORAGE_ERRORS, storageError } from './errors.ts';
import type { StoreDbs, WriteGate } from './lmdb-env.ts';
import { LmdbKvReader } from './lmdb-kv-tables.ts';
import { writeSnapshotFileAsync, type SnapshotFileOutput } from './snapshot-file.ts';

/** Work per turn of the event loop before the writer yields to the node. */
export const SLICE_MS = 50;

/** Pins a read transaction on the env as it is now, which must hold the state at metadata.index (the store
 * wrote back first); SNAPSHOT_INVALID if it does not. */
export function pinLocalSnapshot(dbs: StoreDbs, gate: WriteGate, metadata: SnapshotMetadata, dir: string, noSync: boolean): LocalSnapshot {
  const local = new LocalSnapshot(dbs, gate, metadata, dir, noSync);
  const applied = local.reader.appliedIndex();
  if (applied === metadata.index) return local;
  local.release();
  throw storageError(STORAGE_ERRORS.SNAPSHOT_INVALID, `a snapshot at ${metadata.index} needs the state at ${metadata.index}; the env is at ${applied}`, { index: metadata.index });
}

/** Reads the env through the pinned transaction only while the snapshot is open and no write is running. */
class PinnedKvReader extends LmdbKvReader {
  constructor(dbs: StoreDbs, gate: WriteGate, txn: Transaction, private readonly snapshot: LocalSnapshot) {
    super(dbs, gate, { transaction: txn });
  }

  protected override check(): void {
    this.snapshot.assertOpen(); // first: the store releases it before it closes
    super.check();
    if (this.gate.writing) throw storageError(STORAGE_ERRORS.NESTED_WRITE, 'a local snapshot cannot be read inside a write transaction');
  }

  /** EventJsonReader (barn/state/snapshot.ts): the history table's values are the events' JSON (lmdb-kv.ts). */
  eventJson(fromRevision: number, limit: number): { revision: number; json: Uint8Array }[] {
    this.check();
    return this.base.rawEvents(fromRevision, limit); // the env alone: a pinned reader has no write-back layers
  }
}

export class LocalSnapshot {
  readonly reader: EventJsonReader;
  private readonly txn: Transaction;
  private released = false;
  private sliceStart = performance.now();

  constructor(dbs: StoreDbs, gate: WriteGate, readonly metadata: SnapshotMetadata, private readonly dir: string, private readonly noSync: boolean) {
    this.txn = dbs.root.useReadTransaction();
    this.reader = new PinnedKvReader(dbs, gate, this.txn, this);
  }

  get open(): boolean {
    return !this.released;
  }

  assertOpen(): void {
    if (this.released) throw storageError(STORAGE_ERRORS.SNAPSHOT_ABANDONED, `the local snapshot at ${this.metadata.index} was abandoned`, { index: this.metadata.index });
  }

  /** Step 2: `produce` writes the bytes over several turns of the event loop, awaiting pause() between pages;
   * durable under the snapshot's file name when it resolves (snapshot-file.ts writeSnapshotFileAsync). */
  write(produce: (out: SnapshotFileOutput) => Promise<void>): Promise<void> {
    return writeSnapshotFileAsync(this.dir, this.metadata.index, this.noSync, produce);
  }

  /** Between pages: once this slice has used SLICE_MS, the next turn of the event loop; rejects once released. */
  async pause(): Promise<void> {
    if (performance.now() - this.sliceStart >= SLICE_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      this.sliceStart = performance.now();
    }
    this.assertOpen();
  }

  /** Ends the read transaction. Idempotent. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.txn.done();
  }
}
