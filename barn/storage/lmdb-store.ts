// LmdbStore: one Barn node's state: the Raft log, hard state, snapshot, configuration and (through `kv`) the
// state machine's tables in one LMDB env, made durable by a write-ahead log next to it (wal.ts). It is the
// RaftStorage the core reads synchronously, and the node loop's write side, in three steps per Ready:
//
//   prepare(ready)   checks the batch (nothing is written if it is invalid), writes a snapshot's file, and
//                    appends the snapshot, entries and hard state to the WAL (one write, not yet durable).
//   flush(prepared)  makes them durable when Raft needs it (etcd's MustSync): one fdatasync, off the event loop
//                    (flushSync: the same, blocking; the node chooses, barn-node.ts flushOnLoop).
//                    Group commit: a Ready batches every proposal, append and vote since the last one.
//   commit(prepared, apply)  ONE LMDB write transaction with the same entries, hard state and snapshot AND the
//                    state machine effects of committed entries with the applied index.
// persistAndApply does all three, blocking. The env is written without flushing (MDB_NOSYNC): within a boot
// the page cache keeps it exact across process crashes; after the machine went down it is rebuilt from the WAL
// and the snapshot file when the store opens (env-trust.ts, env-recovery.ts).
//
// A snapshot lives next to the env (snapshot-files.ts): a local one as LMDB's copy of the env, one from the leader
// as its bytes; durable before the WAL record that points at it. A local snapshot starts a new WAL segment
// (rotate), so the WAL stays bounded.
//
// Reads of the log's shape (firstIndex, lastIndex, term(i), hard state) come from an in-memory cache that is
// replaced only after the write transaction that changed the env has committed. The store assumes it is the
// only writer of its dir (dir-lock.ts enforces one live process).
import type { RaftStorage } from '../raft/storage.ts';
import type { ConfState, Entry, HardState, Snapshot, SnapshotMetadata } from '../raft/types.ts';
import { EMPTY_HARD_STATE } from '../raft/types.ts';
import { encodeJson } from './codec.ts';
import { EMPTY_SNAPSHOT_META, checkCommitInLog, checkCompactable, checkNewerSnapshot, checkSnapshotOnLog, readMeta, writeSnapshotMeta } from './store-checks.ts';
import type { DirLock } from './dir-lock.ts';
import { STORAGE_ERRORS, storageError } from './errors.ts';
import { markEnvClean } from './env-trust.ts';
import { META, WriteGate, type StoreDbs } from './lmdb-env.ts';
import { retryFreelistGlitch } from './freelist-glitch.ts';
import { LmdbKv, type LmdbKvWriter } from './lmdb-kv.ts';
import { appendEntries, appendPlanned, compactLog, loadLog, logTerm, planAppend, resetLog, resetShape, type AppendPlan, type LogState } from './lmdb-log.ts';
import { LogTail, readThroughTail } from './log-tail.ts';
import { copyHardState, isEmptyBatch, mustSync, nonEmptySnapshot, walRecords, type PendingLog, type PersistBatch, type PreparedWrite } from './persist-batch.ts';
import type { OpenStoreOptions } from './open-store.ts';
import type { Wal } from './wal.ts';
import { writeSnapshotFile } from './snapshot-file.ts';
import type { LocalSnapshot } from './local-snapshot.ts';
import { SnapshotFiles } from './snapshot-files.ts';

export { openStore, type OpenStoreOptions } from './open-store.ts';
export { mustSync, type PersistBatch, type PreparedWrite } from './persist-batch.ts';

/** Write-back: past this many records + events applied in memory (or a full tail) commit() writes them all
 * (unless the writeBackLimit option says otherwise). */
export const MAX_UNWRITTEN = 1000;

export class LmdbStore implements RaftStorage {
  readonly dir: string;
  readonly clusterId: string;
  readonly nodeId: string;
  /** The state machine's tables, on the same env (see lmdb-kv.ts). */
  readonly kv: LmdbKv;
  /** Write transactions made by persistAndApply, by kind (tests and metrics). */
  readonly writes = { durable: 0, deferred: 0 };
  /** Write-backs tried again after lmdb-js's freelist glitch (writeBack). */
  writeBackRetries = 0;
  private readonly gate: WriteGate;
  private readonly noSync: boolean;
  private readonly writeBackMode: boolean;
  private readonly writeBackLimit: () => number;
  private prepared: PreparedWrite | undefined;
  /** The prepared batch's entries as planned against the log by prepare() (the log does not change before
   * commit: one prepared write at a time, and compact/snapshot refuse while one is). */
  private preparedAppend: AppendPlan | undefined;
  /** The log as Raft sees it: the env's log (envLog) followed by the tail. */
  private log: LogState;
  /** The log as the env holds it. */
  private envLog: LogState;
  private readonly tail = new LogTail();
  private hard: HardState;
  private snapMeta: SnapshotMetadata;
  private readonly files: SnapshotFiles;

  /** Use openStore. */
  constructor(dir: string, opts: OpenStoreOptions, private readonly dbs: StoreDbs, private readonly lock: DirLock, private readonly wal: Wal, private readonly bootId: string) {
    this.dir = dir;
    this.clusterId = opts.clusterId;
    this.nodeId = opts.nodeId;
    this.noSync = opts.noSync === true;
    this.writeBackMode = opts.writeBack === true;
    this.writeBackLimit = opts.writeBackLimit ?? ((): number => MAX_UNWRITTEN);
    this.gate = new WriteGate(dbs.root);
    this.files = new SnapshotFiles(dir, this.noSync);
    this.kv = new LmdbKv(dbs, this.gate, { inTransaction: () => this.writeTail(), committed: () => this.tailWritten() });
    this.log = loadLog(dbs);
    this.envLog = this.log;
    this.hard = readMeta<HardState>(dbs, META.hardState, 'hard state') ?? EMPTY_HARD_STATE;
    this.snapMeta = readMeta<SnapshotMetadata>(dbs, META.snapshotMeta, 'snapshot metadata') ?? EMPTY_SNAPSHOT_META;
    this.files.removeOthers(this.snapMeta.index); // left by a crash before or after a snapshot's commit
  }

  // ---- RaftStorage (synchronous reads) ----
  initialState(): { hardState: HardState; confState: ConfState } {
    this.gate.assertOpen();
    return { hardState: this.hard, confState: this.kv.confState() ?? this.snapMeta.confState };
  }

  entries(lo: number, hi: number, maxBytes: number): Entry[] {
    this.gate.assertOpen();
    return readThroughTail(this.dbs, this.envLog, this.log, this.tail, lo, hi, maxBytes);
  }

  term(i: number): number {
    this.gate.assertOpen();
    return logTerm(this.log, i);
  }

  lastIndex(): number {
    this.gate.assertOpen();
    return this.log.lastIndex;
  }

  firstIndex(): number {
    this.gate.assertOpen();
    return this.log.offsetIndex + 1;
  }

  /** The current snapshot's metadata (no file read). */
  snapshotMetadata(): SnapshotMetadata {
    this.gate.assertOpen();
    return this.snapMeta;
  }

  /** Raft's read, to send a follower: the snapshot's file, or its env copy encoded by a worker thread, throwing
   * SnapshotTemporarilyUnavailableError until those bytes are ready (snapshot-encoder.ts). */
  snapshot(): Snapshot {
    return this.readSnapshotWith((index, legacy) => this.files.readForPeer(index, legacy));
  }

  /** The current snapshot, its env copy encoded here and now: to restore from it. */
  readSnapshot(): Snapshot {
    return this.readSnapshotWith((index, legacy) => this.files.read(index, legacy));
  }

  private readSnapshotWith(read: (i: number, legacy: () => Buffer | undefined) => Uint8Array): Snapshot {
    this.gate.assertOpen();
    if (this.snapMeta.index === 0) return { metadata: this.snapMeta, data: new Uint8Array(0) };
    return { metadata: this.snapMeta, data: read(this.snapMeta.index, () => this.dbs.meta.getBinary(META.snapshotData)) };
  }

  /** Entries durable in the WAL and readable here, not yet written to the env (log-tail.ts). */
  get unwrittenEntries(): number {
    return this.tail.length;
  }

  /** Bytes in the current write-ahead log segment (a snapshot starts a new one). */
  get walBytes(): number {
    return this.wal.size;
  }

  /** The hard state as last persisted. */
  hardState(): HardState {
    this.gate.assertOpen();
    return this.hard;
  }

  // ---- writes: WAL first (durable), then the env ----

  /** Makes one Ready durable, in order: a non-empty snapshot (stored, configuration recorded, log reset to it),
   * then the entries (a conflicting suffix is truncated), then the hard state. All or nothing: if any part is
   * invalid (hole, term regression, stale snapshot, commit beyond the log) nothing is written. A batch with
   * nothing to write costs no fsync. */
  persist(ready: PersistBatch): void {
    this.gate.assertOpen();
    if (isEmptyBatch(ready)) return;
    this.persistAndApply(ready, () => undefined);
  }

  /** prepare, flush (blocking) and commit: the entries, hard state and snapshot of a Ready and the state machine
   * effects (with the applied index) of its committed entries. Committed entries may be among the entries
   * persisted by the same call. Returns whether the write was durable (see prepare). */
  persistAndApply<T>(ready: PersistBatch, apply: (w: LmdbKvWriter) => T): { result: T; durable: boolean } {
    const prepared = this.prepare(ready);
    this.flushSync(prepared);
    return { result: this.commit(prepared, apply) as T, durable: prepared.durable };
  }

  /** Step 1 of a write: checks the batch against the log (throws, writing nothing, on a hole, a term regression,
   * a stale snapshot or a commit beyond the log), writes a snapshot's file (durable), and appends the batch to
   * the WAL. `durable` is etcd's MustSync: entries, a snapshot, or a new term or vote must be on disk before the
   * node acts on them; a batch that only moves the commit index need not be (after a machine restart the node
   * learns the commit index again and re-applies from its log). At most one prepared write at a time. */
  prepare(ready: PersistBatch): PreparedWrite {
    this.gate.assertOpen();
    if (this.prepared !== undefined) {
      throw storageError(STORAGE_ERRORS.NESTED_WRITE, 'a prepared write has not been committed yet');
    }
    const snap = nonEmptySnapshot(ready);
    let log = this.log;
    if (snap !== undefined) {
      checkNewerSnapshot(snap.metadata.index, this.snapMeta);
      log = resetShape(snap.metadata.index, snap.metadata.term);
    }
    const plan = planAppend(log, ready.entries);
    log = plan?.next ?? log;
    checkCommitInLog(ready.hardState, log);
    if (snap !== undefined) writeSnapshotFile(this.dir, snap.metadata.index, this.noSync, (out) => out.append(snap.data));
    const records = walRecords(ready);
    if (records.length > 0) this.wal.append(records);
    this.prepared = { batch: ready, durable: mustSync(ready, this.hard) };
    this.preparedAppend = plan;
    return this.prepared;
  }

  /** Step 2: resolves when the prepared batch is durable (at once when it need not be). */
  flush(prepared: PreparedWrite): Promise<void> {
    return prepared.durable ? this.wal.sync() : Promise.resolve();
  }

  /** flush(), blocking the event loop (cheaper for a small batch when nothing else could run meanwhile). */
  flushSync(prepared: PreparedWrite): void {
    if (prepared.durable) this.wal.syncNow();
  }

  /** Step 3: the prepared batch and `apply`'s state machine effects in ONE env transaction (not flushed: the
   * WAL has the batch). Without `apply` (nothing to apply) a batch of entries and hard state that does not touch
   * the env's log may stay in the tail (log-tail.ts) until the next transaction; the result is then undefined.
   * In write-back mode a batch that may stay in the tail does, and `apply` runs in memory (kv-overlay.ts): both
   * reach the env with the next transaction, at the latest when MAX_UNWRITTEN is reached or writeBack() is
   * called. When it throws, the store must be reopened (the env holds none of it; the WAL has the batch). */
  commit<T>(prepared: PreparedWrite, apply?: (w: LmdbKvWriter) => T): T | undefined {
    if (prepared !== this.prepared) throw storageError(STORAGE_ERRORS.NESTED_WRITE, 'commit() of a write that is not the prepared one');
    let result: T | undefined;
    try {
      const outOfEnv = apply === undefined || this.writeBackMode; // nothing to apply, or applied in memory
      result = outOfEnv && this.keepInTail(prepared.batch) ? this.applyInMemory(apply) : this.writeThrough(prepared.batch, apply);
      if (prepared.durable) this.writes.durable++;
      else this.writes.deferred++;
    } finally {
      this.prepared = undefined;
      this.preparedAppend = undefined;
    }
    if (this.kv.overlaySize >= this.writeBackLimit() || this.tail.full) this.writeBack();
    return result;
  }

  private applyInMemory<T>(apply: ((w: LmdbKvWriter) => T) | undefined): T | undefined {
    return apply === undefined ? undefined : this.kv.applyInMemory(apply);
  }

  /** The batch goes to the tail when it has no snapshot, leaves the env's entries alone and the tail is not
   * full. Returns whether it did. */
  private keepInTail(batch: PersistBatch): boolean {
    if (nonEmptySnapshot(batch) !== undefined || this.tail.full) return false;
    const plan = this.preparedAppend;
    if (plan !== undefined && plan.start <= this.envLog.lastIndex) return false;
    if (plan !== undefined) {
      this.tail.append(this.envLog.lastIndex, plan.start, plan.fresh);
      this.log = plan.next;
    }
    if (batch.hardState !== undefined) {
      this.hard = copyHardState(batch.hardState);
      this.tail.hardPending = true;
    }
    return true;
  }

  /** One env transaction: the tail and the overlay (LmdbKv.transact), the batch, then `apply`. */
  private writeThrough<T>(batch: PersistBatch, apply: ((w: LmdbKvWriter) => T) | undefined): T | undefined {
    let next: PendingLog | undefined;
    const result = this.kv.transact(() => {
      if (!isEmptyBatch(batch)) next = this.writeBatch(batch);
      return apply === undefined ? undefined : this.kv.writeInCurrentTxn(apply);
    });
    if (next !== undefined) this.adopt(next);
    this.envLog = this.log;
    return result;
  }

  /** Inside every env transaction (LmdbKv.transact), first: the tail's entries and hard state (they match the
   * in-memory log). */
  private writeTail(): void {
    if (this.tail.length > 0) appendEntries(this.dbs, this.envLog, this.tail.entries);
    if (this.tail.hardPending) this.dbs.meta.putSync(META.hardState, encodeJson(this.hard));
  }

  private tailWritten(): void {
    this.tail.clear();
    this.envLog = this.log;
  }

  /** Writes the tail and what was applied in memory to the env in one transaction of its own (write-back
   * mode: the node calls it on a timer; and before operations that work on the env alone). Does nothing while
   * a write is prepared (its commit writes them). Tried again when lmdb-js's freelist glitch fails its commit
   * (freelist-glitch.ts): LmdbKv.transact leaves memory whole when a transaction throws. */
  writeBack(): void {
    this.gate.assertOpen();
    if (this.prepared !== undefined || (!this.tail.held && this.kv.overlayEmpty)) return;
    retryFreelistGlitch('the env write-back', () => this.kv.transact(() => undefined), () => this.writeBackRetries++);
  }

  /** The env part of commit; the in-memory view changes only after the transaction commits (adopt). */
  private writeBatch(ready: PersistBatch): PendingLog {
    // The in-memory log (this.log) equals the env's here: writeThrough wrote the tail first. The entries go as
    // prepare() planned them against this.log (or the snapshot's reset log, which resetLog gives again).
    const snap = nonEmptySnapshot(ready);
    let log = this.log;
    let snapMeta = this.snapMeta;
    const hard = ready.hardState === undefined ? undefined : copyHardState(ready.hardState);
    if (snap !== undefined) {
      writeSnapshotMeta(this.dbs, snap.metadata);
      this.dbs.meta.putSync(META.confState, encodeJson(snap.metadata.confState));
      log = resetLog(this.dbs, log, snap.metadata.index, snap.metadata.term);
      snapMeta = snap.metadata;
    }
    log = appendPlanned(this.dbs, log, this.preparedAppend);
    if (hard !== undefined) this.dbs.meta.putSync(META.hardState, encodeJson(hard));
    return { log, snapMeta, hard };
  }

  private adopt(next: PendingLog): void {
    this.log = next.log;
    const newSnapshot = next.snapMeta.index !== this.snapMeta.index;
    this.snapMeta = next.snapMeta;
    if (next.hard !== undefined) this.hard = next.hard;
    if (newSnapshot) this.files.removeOthers(next.snapMeta.index);
  }

  /** Records a snapshot the state machine took at `metadata.index` (≤ lastIndex, with that entry's term). The
   * log is not touched; call compact() afterwards to drop the entries it covers. */
  saveSnapshot(snapshot: Snapshot): void {
    this.assertNothingPrepared('a snapshot cannot be taken');
    checkNewerSnapshot(snapshot.metadata.index, this.snapMeta);
    checkSnapshotOnLog(snapshot.metadata.index, snapshot.metadata.term, this.log);
    this.recordSnapshot(snapshot.metadata, snapshot.data);
  }

  /** MemoryStorage's form of saveSnapshot: records a snapshot at applied index i (≤ lastIndex) with i's term and
   * `confState` (default: the configuration as of now), and returns it. Does not compact. */
  createSnapshot(i: number, confState: ConfState | undefined, data: Uint8Array): Snapshot {
    const metadata = this.localMetadata(i, confState);
    this.recordSnapshot(metadata, data);
    return { metadata, data };
  }

  /** Step 1 of a local snapshot taken while the node goes on (local-snapshot.ts): writes back, so the env holds
   * the state at applied index i, and starts LMDB's copy of it. Then s.copied(), then finishSnapshot (or
   * s.release()). One at a time; not while a write is prepared; i at most the applied index. */
  beginSnapshot(i: number): LocalSnapshot {
    const { confState } = this.localMetadata(i, undefined);
    if (i > this.kv.appliedIndex()) throw storageError(STORAGE_ERRORS.SNAPSHOT_INVALID, `a snapshot at ${i} needs the state at ${i}; applied is ${this.kv.appliedIndex()}`, { index: i });
    this.writeBack();
    const generation = this.gate.generation;
    const walReady = this.wal.prepareRotation(); // the next segment's file, allocated while LMDB copies
    return this.files.beginLocal(this.dbs.root, { index: i, confState }, () => this.gate.generation === generation, walReady);
  }

  /** Step 3, once s.copied() resolved: records the copy (at its own index, with the term the log has there) as
   * recordSnapshot does a file, and returns its metadata; unless a snapshot at or past it arrived meanwhile
   * (returns undefined and removes it). */
  finishSnapshot(s: LocalSnapshot): SnapshotMetadata | undefined {
    this.assertNothingPrepared('a snapshot cannot be recorded');
    const copied = this.files.takeLocal(s, this.snapMeta.index);
    if (copied === undefined) return undefined;
    const metadata = { index: copied.index, term: logTerm(this.log, copied.index), confState: copied.confState };
    checkSnapshotOnLog(metadata.index, metadata.term, this.log);
    this.adoptSnapshotFile(metadata, true);
    return metadata;
  }

  /** Open, and no write prepared: what works on the env alone (snapshots, compaction) waits for its commit. */
  private assertNothingPrepared(what: string): void {
    this.gate.assertOpen();
    if (this.prepared !== undefined) throw storageError(STORAGE_ERRORS.NESTED_WRITE, `${what} while a write is prepared`);
  }

  /** The metadata of a local snapshot at applied index i (checked against the log and the current snapshot). */
  private localMetadata(i: number, confState: ConfState | undefined): SnapshotMetadata {
    this.assertNothingPrepared('a snapshot cannot be taken');
    checkNewerSnapshot(i, this.snapMeta);
    const term = i <= this.log.lastIndex ? logTerm(this.log, i) : -1;
    checkSnapshotOnLog(i, term, this.log);
    return { index: i, term, confState: confState ?? this.initialState().confState };
  }

  /** A local snapshot (no write prepared: the callers check): its file (durable), then adoptSnapshotFile. */
  private recordSnapshot(metadata: SnapshotMetadata, data: Uint8Array): void {
    writeSnapshotFile(this.dir, metadata.index, this.noSync, (out) => out.append(data));
    this.adoptSnapshotFile(metadata);
  }

  /** The snapshot at metadata.index is durable: a new WAL segment that starts from it (from here on what a restart
   * rebuilds from), carrying the current segment's records after it over as written; then the env's metadata
   * (after a write-back, so the env's log reaches the snapshot: not needed `fromEnv`, a copy of the env at that
   * index); older files go last. */
  private adoptSnapshotFile(metadata: SnapshotMetadata, fromEnv = false): void {
    if (!fromEnv || this.envLog.lastIndex < metadata.index) this.writeBack();
    this.wal.rotate({ clusterId: this.clusterId, nodeId: this.nodeId }, { snapshot: metadata, hardState: this.hard, entries: 'carried' });
    this.gate.run(() => writeSnapshotMeta(this.dbs, metadata));
    this.snapMeta = metadata;
    this.files.removeOthers(metadata.index);
  }

  /** Resolves once the older snapshot files being deleted are gone. */
  get snapshotFilesRemoved(): Promise<void> {
    return this.files.removed;
  }

  /** Drops entries ≤ index; index's term stays known as term(firstIndex - 1). Idempotent: an index at or below
   * the current offset does nothing. index must be ≤ lastIndex and ≤ the latest snapshot's index (else
   * a follower needing those entries could be sent neither them nor a snapshot covering them). */
  compact(index: number): void {
    this.assertNothingPrepared('the log cannot be compacted');
    if (index <= this.log.offsetIndex) return;
    checkCompactable(index, this.log, this.snapMeta.index);
    // One transaction: the tail and the overlay first (LmdbKv.transact), as a write-back, then the deletes.
    let log = this.log;
    retryFreelistGlitch('a log compaction', () => this.kv.transact(() => (log = compactLog(this.dbs, this.log, index))), () => this.writeBackRetries++);
    this.log = log;
    this.envLog = log;
  }

  /** A write is prepared and not yet committed: what works on the env alone (compact, snapshots) must wait. */
  get writePrepared(): boolean {
    return this.prepared !== undefined;
  }

  /** Waits for a WAL sync in flight, flushes the env and records the clean close (the env is then trusted after
   * a machine restart too), closes everything and releases the dir lock. Idempotent; every later call on the
   * store throws CLOSED. */
  async close(): Promise<void> {
    if (!this.gate.isOpen) return;
    // Clean only if everything the env holds is durable in the WAL too (commit-only Readys are not flushed
    // when written): a trusted env must never be ahead of the WAL after a power loss.
    let clean = this.prepared === undefined;
    const filesSettled = this.files.abandon();
    try {
      if (clean) this.writeBack(); // what is applied in memory: a reopen would apply it again otherwise
    } catch {
      clean = false; // the env is behind, never ahead: the next open catches it up
    }
    this.gate.close();
    try {
      try {
        if (clean) this.wal.syncNow();
      } catch {
        clean = false;
      }
      await this.wal.close();
      if (clean) await markEnvClean(this.dbs.root, this.dir, this.bootId, this.noSync);
      await filesSettled; // LMDB's copy reads the env: it must end before the env closes
      await this.dbs.root.close();
    } finally {
      this.lock.release();
    }
  }
}
