// LmdbStore: one Barn node's durable state in one LMDB env: the Raft log, hard state, snapshot, configuration
// and (through `kv`) the state machine's tables. It is the RaftStorage the core reads synchronously, and the
// node loop's write side:
//
//   persist(ready)  step 1 of the Ready loop: snapshot, entries and hard state in ONE durable transaction.
//                   Group commit: the node loop calls it once per Ready, and a Ready already batches every
//                   proposal, append and vote since the last one, so N proposals share one fsync.
//   kv.write(fn)    step 3: the effects of committed entries plus setAppliedIndex in one transaction.
//   saveSnapshot / compact   log housekeeping after the state machine took a snapshot.
//
// The snapshot's bytes live in a file next to the env (snapshot-file.ts: written and fsync'd before the LMDB
// transaction that points `snapshot-meta` at it commits); the env holds only its metadata.
//
// Reads of the log's shape (firstIndex, lastIndex, term(i), hard state) come from an in-memory cache that is
// replaced only after the write transaction that changed the disk has committed. The store assumes it is the
// only writer of its dir (dir-lock.ts enforces one live process).
import { mkdirSync } from 'node:fs';
import type { RaftStorage } from '../raft/storage.ts';
import type { ConfState, Entry, HardState, Snapshot, SnapshotMetadata } from '../raft/types.ts';
import { EMPTY_HARD_STATE } from '../raft/types.ts';
import { decodeJson, encodeJson } from './codec.ts';
import { acquireDirLock, type DirLock } from './dir-lock.ts';
import { STORAGE_ERRORS, storageError } from './errors.ts';
import { META, STORE_FORMAT, WriteGate, openEnv, type StoreDbs } from './lmdb-env.ts';
import { LmdbKv, type LmdbKvWriter } from './lmdb-kv.ts';
import { appendEntries, compactLog, loadLog, logTerm, readEntries, resetLog, type LogState } from './lmdb-log.ts';
import { readSnapshotFile, removeOtherSnapshotFiles, writeSnapshotFile, type SnapshotFileOutput } from './snapshot-file.ts';

export interface OpenStoreOptions {
  readonly clusterId: string;
  readonly nodeId: string;
  /** Skip fsync (tests and benchmarks only): a write survives a process crash but not a power loss. */
  readonly noSync?: boolean;
  /** The configuration of a fresh node (like MemoryStorage's constructor): recorded only when the store is
   * created, as the configuration of the empty snapshot at index 0. Ignored on reopen (the disk wins). */
  readonly initialConfState?: ConfState;
}

/** What one Ready asks to make durable (the `entries`, `hardState` and `snapshot` of raft's Ready). */
export interface PersistBatch {
  readonly entries: readonly Entry[];
  readonly hardState?: HardState;
  readonly snapshot?: Snapshot;
}

const EMPTY_CONF_STATE: ConfState = { voters: [], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };

const EMPTY_SNAPSHOT_META: SnapshotMetadata = { index: 0, term: 0, confState: EMPTY_CONF_STATE };

/** Opens (creating if needed) the store in `dir`. Throws CLUSTER_MISMATCH, leaving the dir untouched, when the
 * dir was created for another cluster or node id; LOCKED when another live process has it open. */
export function openStore(dir: string, opts: OpenStoreOptions): LmdbStore {
  if (!opts.clusterId || !opts.nodeId) {
    throw storageError(STORAGE_ERRORS.INVALID_OPTIONS, 'openStore needs a non-empty clusterId and nodeId', {
      clusterId: opts.clusterId,
      nodeId: opts.nodeId,
    });
  }
  mkdirSync(dir, { recursive: true });
  const lock = acquireDirLock(dir);
  let dbs: StoreDbs | undefined;
  try {
    const identity = { format: STORE_FORMAT, clusterId: opts.clusterId, nodeId: opts.nodeId };
    dbs = openEnv(dir, identity, opts.noSync === true, bootstrapMeta(opts.initialConfState));
    return new LmdbStore(dir, opts, dbs, lock);
  } catch (e) {
    if (dbs !== undefined) void dbs.root.close();
    lock.release();
    throw e;
  }
}

export class LmdbStore implements RaftStorage {
  readonly dir: string;
  readonly clusterId: string;
  readonly nodeId: string;
  /** The state machine's tables, on the same env (see lmdb-kv.ts). */
  readonly kv: LmdbKv;
  /** Write transactions made by persistAndApply, by kind (tests and metrics). */
  readonly writes = { durable: 0, deferred: 0 };
  private readonly gate: WriteGate;
  private readonly noSync: boolean;
  private log: LogState;
  private hard: HardState;
  private snapMeta: SnapshotMetadata;

  /** Use openStore. */
  constructor(dir: string, opts: OpenStoreOptions, private readonly dbs: StoreDbs, private readonly lock: DirLock) {
    this.dir = dir;
    this.clusterId = opts.clusterId;
    this.nodeId = opts.nodeId;
    this.noSync = opts.noSync === true;
    this.gate = new WriteGate(dbs.root);
    this.kv = new LmdbKv(dbs, this.gate);
    this.log = loadLog(dbs);
    this.hard = this.readMeta<HardState>(META.hardState, 'hard state') ?? EMPTY_HARD_STATE;
    this.snapMeta = this.readMeta<SnapshotMetadata>(META.snapshotMeta, 'snapshot metadata') ?? EMPTY_SNAPSHOT_META;
    removeOtherSnapshotFiles(dir, this.snapMeta.index); // left by a crash before or after a snapshot's commit
  }

  // ---- RaftStorage (synchronous reads) ----

  initialState(): { hardState: HardState; confState: ConfState } {
    this.gate.assertOpen();
    return { hardState: this.hard, confState: this.kv.confState() ?? this.snapMeta.confState };
  }

  entries(lo: number, hi: number, maxBytes: number): Entry[] {
    this.gate.assertOpen();
    return readEntries(this.dbs, this.log, lo, hi, maxBytes);
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

  /** Reads the current snapshot's file whole (only sending one to a follower or restoring needs the bytes). */
  snapshot(): Snapshot {
    this.gate.assertOpen();
    if (this.snapMeta.index === 0) return { metadata: this.snapMeta, data: new Uint8Array(0) };
    // A dir written before snapshots moved to files keeps the bytes in the env until its next snapshot.
    const file = readSnapshotFile(this.dir, this.snapMeta.index);
    if (file !== undefined) return { metadata: this.snapMeta, data: new Uint8Array(file.buffer, file.byteOffset, file.byteLength) };
    const legacy = this.dbs.meta.getBinary(META.snapshotData);
    if (legacy === undefined) {
      throw storageError(STORAGE_ERRORS.CORRUPT, `the snapshot file for index ${this.snapMeta.index} is missing`, { index: this.snapMeta.index });
    }
    return { metadata: this.snapMeta, data: new Uint8Array(legacy) };
  }

  /** The hard state as last persisted. */
  hardState(): HardState {
    this.gate.assertOpen();
    return this.hard;
  }

  // ---- writes (each one durable transaction) ----

  /** Makes one Ready durable, in order: a non-empty snapshot (stored, configuration recorded, log reset to it),
   * then the entries (a conflicting suffix is truncated), then the hard state. All or nothing: if any part is
   * invalid (hole, term regression, stale snapshot, commit beyond the log) nothing is written. A batch with
   * nothing to write costs no fsync. */
  persist(ready: PersistBatch): void {
    this.gate.assertOpen();
    if (isEmptyBatch(ready)) return;
    let next: PendingLog | undefined;
    this.gate.run(() => {
      next = this.writeBatch(ready);
    });
    this.adopt(next!);
  }

  /** persist() and applying committed entries in ONE write transaction: the entries, hard state and snapshot
   * of a Ready and the state machine effects (with the applied index) of its committed entries commit together
   * or not at all. Committed entries may be among the entries persisted by the same call.
   *
   * Durable (fsync'd before it returns) exactly when Raft needs it (etcd's MustSync): the batch has entries or a
   * snapshot, or changes the term or the vote. A batch that only moves the commit index and applies committed
   * entries is written 'deferred' (see lmdb-env.ts): it survives a process crash; a power loss may undo it,
   * and then the node restarts with an older commit index and applied index and re-applies those entries from
   * its durable log (apply is idempotent by applied index). Returns whether the write was durable. */
  persistAndApply<T>(ready: PersistBatch, apply: (w: LmdbKvWriter) => T): { result: T; durable: boolean } {
    this.gate.assertOpen();
    let next: PendingLog | undefined;
    const durable = mustSync(ready, this.hard);
    const result = this.gate.run(() => {
      if (!isEmptyBatch(ready)) next = this.writeBatch(ready);
      return this.kv.writeInCurrentTxn(apply);
    }, durable ? 'durable' : 'deferred');
    if (next !== undefined) this.adopt(next);
    if (durable) this.writes.durable++;
    else this.writes.deferred++;
    return { result, durable };
  }

  /** The persist part of a write transaction; the in-memory view changes only after it commits (adopt). */
  private writeBatch(ready: PersistBatch): PendingLog {
    const snap = ready.snapshot !== undefined && ready.snapshot.metadata.index > 0 ? ready.snapshot : undefined;
    let log = this.log;
    let snapMeta = this.snapMeta;
    const hard = ready.hardState === undefined ? undefined : copyHardState(ready.hardState);
    if (snap !== undefined) {
      this.checkNewer(snap.metadata.index, snapMeta);
      this.writeSnapshot(snap);
      this.dbs.meta.putSync(META.confState, encodeJson(snap.metadata.confState));
      log = resetLog(this.dbs, log, snap.metadata.index, snap.metadata.term);
      snapMeta = snap.metadata;
    }
    log = appendEntries(this.dbs, log, ready.entries);
    if (hard !== undefined) {
      if (hard.commit > log.lastIndex) {
        throw storageError(
          STORAGE_ERRORS.COMMIT_OUT_OF_RANGE,
          `hard state commit ${hard.commit} is beyond the last log index ${log.lastIndex}`,
          { commit: hard.commit, lastIndex: log.lastIndex },
        );
      }
      this.dbs.meta.putSync(META.hardState, encodeJson(hard));
    }
    return { log, snapMeta, hard };
  }

  private adopt(next: PendingLog): void {
    this.log = next.log;
    const newSnapshot = next.snapMeta.index !== this.snapMeta.index;
    this.snapMeta = next.snapMeta;
    if (next.hard !== undefined) this.hard = next.hard;
    if (newSnapshot) removeOtherSnapshotFiles(this.dir, next.snapMeta.index);
  }

  /** Records a snapshot the state machine took at `metadata.index` (≤ lastIndex, with that entry's term). The
   * log is not touched; call compact() afterwards to drop the entries it covers. */
  saveSnapshot(snapshot: Snapshot): void {
    this.gate.assertOpen();
    const { index, term } = snapshot.metadata;
    this.checkNewer(index, this.snapMeta);
    if (index > this.log.lastIndex || logTerm(this.log, index) !== term) {
      throw storageError(
        STORAGE_ERRORS.SNAPSHOT_INVALID,
        `snapshot at ${index} (term ${term}) does not match the log (last index ${this.log.lastIndex})`,
        { index, term, lastIndex: this.log.lastIndex },
      );
    }
    this.gate.run(() => this.writeSnapshot(snapshot));
    this.snapMeta = snapshot.metadata;
    removeOtherSnapshotFiles(this.dir, index);
  }

  /** MemoryStorage's form of saveSnapshot: records a snapshot at applied index i (≤ lastIndex) with i's term and
   * `confState` (default: the configuration as of now), and returns it. Does not compact. */
  createSnapshot(i: number, confState: ConfState | undefined, data: Uint8Array): Snapshot {
    return { metadata: this.createSnapshotFrom(i, confState, (out) => out.append(data)), data };
  }

  /** createSnapshot with the bytes streamed: `produce` writes them (synchronously) straight into the snapshot
   * file — the snapshot is never held in memory whole — before one durable transaction records the metadata. */
  createSnapshotFrom(i: number, confState: ConfState | undefined, produce: (out: SnapshotFileOutput) => void): SnapshotMetadata {
    this.gate.assertOpen();
    if (i > this.log.lastIndex) {
      throw storageError(STORAGE_ERRORS.SNAPSHOT_INVALID, `snapshot index ${i} is beyond the last index ${this.log.lastIndex}`, {
        index: i,
        lastIndex: this.log.lastIndex,
      });
    }
    this.checkNewer(i, this.snapMeta);
    const metadata = { index: i, term: logTerm(this.log, i), confState: confState ?? this.initialState().confState };
    writeSnapshotFile(this.dir, i, this.noSync, produce);
    this.gate.run(() => this.writeSnapshotMeta(metadata));
    this.snapMeta = metadata;
    removeOtherSnapshotFiles(this.dir, i);
    return metadata;
  }

  /** Drops entries ≤ index; index's term stays known as term(firstIndex - 1). Idempotent: an index at or below
   * the current offset does nothing. index must be ≤ lastIndex and ≤ the latest snapshot's index (else
   * a follower needing those entries could be sent neither them nor a snapshot covering them). */
  compact(index: number): void {
    this.gate.assertOpen();
    if (index <= this.log.offsetIndex) return;
    if (index > this.log.lastIndex || index > this.snapMeta.index) {
      throw storageError(
        STORAGE_ERRORS.COMPACT_OUT_OF_RANGE,
        `cannot compact to ${index}: the log ends at ${this.log.lastIndex} and the latest snapshot is at ` +
          `${this.snapMeta.index} (save a snapshot covering ${index} first)`,
        { index, lastIndex: this.log.lastIndex, snapshotIndex: this.snapMeta.index },
      );
    }
    let log = this.log;
    this.gate.run(() => {
      log = compactLog(this.dbs, log, index);
    });
    this.log = log;
  }

  /** Closes the env and releases the dir lock. Idempotent; every later call on the store throws CLOSED. */
  async close(): Promise<void> {
    if (!this.gate.isOpen) return;
    this.gate.close();
    try {
      await this.dbs.root.close();
    } finally {
      this.lock.release();
    }
  }

  private checkNewer(index: number, current: SnapshotMetadata): void {
    if (index <= current.index) {
      throw storageError(
        STORAGE_ERRORS.SNAPSHOT_OUT_OF_DATE,
        `snapshot at index ${index} is older than the current one at ${current.index}`,
        { index, current: current.index },
      );
    }
  }

  /** Inside a write transaction: the file first (durable when this returns), then the metadata pointing at it;
   * the previous snapshot's file is removed only after the transaction commits (snapshot-file.ts). */
  private writeSnapshot(snapshot: Snapshot): void {
    writeSnapshotFile(this.dir, snapshot.metadata.index, this.noSync, (out) => out.append(snapshot.data));
    this.writeSnapshotMeta(snapshot.metadata);
  }

  private writeSnapshotMeta(metadata: SnapshotMetadata): void {
    this.dbs.meta.putSync(META.snapshotMeta, encodeJson(metadata));
    this.dbs.meta.removeSync(META.snapshotData); // the bytes of a snapshot from before snapshot files, if any
  }

  private readMeta<T>(key: string, what: string): T | undefined {
    const raw = this.dbs.meta.getBinary(key);
    return raw === undefined ? undefined : decodeJson<T>(raw, what);
  }
}

function bootstrapMeta(confState: ConfState | undefined): Map<string, Buffer> {
  const meta = new Map<string, Buffer>();
  if (confState !== undefined) {
    meta.set(META.snapshotMeta, encodeJson({ index: 0, term: 0, confState }));
    meta.set(META.confState, encodeJson(confState));
  }
  return meta;
}

/** Raft's MustSync: entries, a snapshot, or a new term or vote must be durable before the node acts on them
 * (acks, votes); a change of the commit index alone need not be. */
export function mustSync(ready: PersistBatch, persisted: HardState): boolean {
  if (ready.entries.length > 0) return true;
  if (ready.snapshot !== undefined && ready.snapshot.metadata.index > 0) return true;
  const hs = ready.hardState;
  return hs !== undefined && (hs.term !== persisted.term || hs.vote !== persisted.vote);
}

function copyHardState(hs: HardState): HardState {
  return { term: hs.term, vote: hs.vote, commit: hs.commit };
}

function isEmptyBatch(ready: PersistBatch): boolean {
  const snap = ready.snapshot !== undefined && ready.snapshot.metadata.index > 0;
  return ready.entries.length === 0 && ready.hardState === undefined && !snap;
}

/** The log's in-memory view after a write transaction, adopted only once it has committed. */
interface PendingLog {
  readonly log: LogState;
  readonly snapMeta: SnapshotMetadata;
  readonly hard: HardState | undefined;
}
