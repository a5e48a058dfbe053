// The node's housekeeping, run after every loop pass (afterPass): the leader proposes revision compaction, and
// every node snapshots its state machine; and on the node's write-back timer (writeBackTick), where the log is
// compacted behind the snapshot (the decisions: housekeeping.ts).
//
// A snapshot is taken while the node goes on (barn/storage/local-snapshot.ts): afterPass begins it at the
// applied index (the store writes back and LMDB copies the env off the event loop), and the pass after the copy
// is durable records it, at the copy's own index; then the log is compacted behind it, a chunk per write-back.
// One snapshot at a time; a snapshot installed from the leader meanwhile supersedes it (given up at once).
// Before, the snapshot was encoded on the event loop: 250–550 ms in one pass, later 150 ms of CPU in 50 ms slices.
// A membership change calls for a snapshot at once; while one is being taken, the next begins as soon as it is
// recorded.
//
// Contract: afterPass runs only where the node holds no prepared write (the end of a loop pass); writeBackTick
// runs anywhere (while a write is prepared it leaves its work to the commit and to the next afterPass).
import { RuninkError } from '../../common/error.ts';
import type { SnapshotMetadata } from '../raft/types.ts';
import type { Command } from '../state/commands.ts';
import { STORAGE_ERRORS } from '../storage/errors.ts';
import type { LocalSnapshot } from '../storage/local-snapshot.ts';
import type { LmdbStore } from '../storage/lmdb-store.ts';
import { compactionStep, housekeeping, snapshotPhase } from './housekeeping.ts';

export interface HousekeeperHost {
  readonly store: LmdbStore;
  isLeader(): boolean;
  propose(command: Command): void;
  /** Runs a loop pass soon (the snapshot's file is durable). */
  wake(): void;
  /** The snapshot could not be written: the node cannot go on as it should (as a failed flush). */
  fail(err: unknown): void;
}

export interface HousekeeperOptions {
  readonly retainRevisions?: number;
  readonly snapshotEvery?: number;
  readonly snapshotWalBytes?: number;
  readonly compactionMargin?: number;
}

/** A member snapshots every this many applied entries unless told otherwise (etcd's --snapshot-count; the
 * benchmark gives etcd the same, bench/barn/etcd-cluster.ts). */
export const DEFAULT_SNAPSHOT_EVERY = 50_000;

export class Housekeeper {
  private lastSnapshotIndex: number;
  /** A configuration change was applied since the last snapshot: the next snapshot must not wait, because a
   * member added by it can only install a snapshot whose configuration includes it. */
  private configChangedSinceSnapshot = false;
  private lastCompactionCheck = 0;
  private taking: { readonly local: LocalSnapshot; written: boolean } | undefined;
  private writing: Promise<void> = Promise.resolve();
  private stopped = false;
  /** The log is compacted up to here after a snapshot, a chunk per write-back (writeBackTick). */
  private compactTarget = 0;
  /** A write-back tick found a write prepared (a flush in flight on libuv's pool, as a lone member under load
   * does for most Readys): its chunk is compacted at the end of the next loop pass instead of never. */
  private compactDue = false;
  /** snapshotPhase under the current configuration; undefined once it may have changed (looked up again). */
  private phase: number | undefined;

  constructor(private readonly host: HousekeeperHost, private readonly options: HousekeeperOptions) {
    this.lastSnapshotIndex = host.store.snapshotMetadata().index;
  }

  configChanged(): void {
    this.configChangedSinceSnapshot = true;
    this.phase = undefined;
  }

  /** A snapshot from the leader was installed at `index`: it supersedes one being written (given up at once,
   * so its pinned read transaction does not hold the env's old pages while the new state is written). */
  snapshotInstalled(index: number): void {
    this.lastSnapshotIndex = Math.max(this.lastSnapshotIndex, index);
    this.phase = undefined; // it brought its configuration
    if (this.taking !== undefined && this.taking.local.fromIndex <= index) {
      this.taking.local.release(); // its copy is removed when it ends (SNAPSHOT_ABANDONED, not a failure)
      this.taking = undefined;
    }
  }

  afterPass(): void {
    this.finishWritten();
    if (this.compactDue) this.compactChunk();
    const { store } = this.host;
    const kv = store.kv;
    const applied = kv.appliedIndex();
    const snapshotEvery = this.options.snapshotEvery ?? DEFAULT_SNAPSHOT_EVERY;
    // initialState's configuration is the one as of the applied index (or of the snapshot, before any change)
    this.phase ??= snapshotPhase(store.nodeId, store.initialState().confState, snapshotEvery);
    const plan = housekeeping({
      isLeader: this.host.isLeader(),
      revision: kv.revision(),
      compactedRevision: kv.compactedRevision(),
      lastCompactionCheck: this.lastCompactionCheck,
      retainRevisions: this.options.retainRevisions ?? 20_000,
      appliedIndex: applied,
      lastSnapshotIndex: this.lastSnapshotIndex,
      snapshotEvery,
      snapshotPhase: this.phase,
      configChangedSinceSnapshot: this.configChangedSinceSnapshot,
      walBytes: store.walBytes,
      snapshotWalBytes: this.options.snapshotWalBytes ?? 64 * 1024 * 1024,
    });
    this.lastCompactionCheck = plan.lastCompactionCheck;
    if (plan.compactTo !== undefined) this.host.propose({ type: 'compact', revision: plan.compactTo });
    if (plan.snapshot && this.taking === undefined && !this.stopped) this.begin(applied);
  }

  /** The node's periodic write-back (every 100 ms): while the log is behind its compaction target, the write-back
   * transaction also drops a chunk of it (LmdbStore.compact writes back first, in the same transaction). Done
   * at every loop pass, the 23 chunks behind a snapshot stopped every member for 2–12 ms each within ~250 ms
   * of it, at 3 nodes × 64 in flight; on the write-back's own schedule they cost no transaction of their own,
   * spread over ~2 s. While a write is prepared, the write-back is left to its commit and the chunk to the end
   * of the next loop pass (afterPass). */
  writeBackTick(): void {
    const { store } = this.host;
    if (!this.compactPending()) store.writeBack();
    else if (store.writePrepared) this.compactDue = true; // a flush in flight: at the end of the next loop pass
    else this.compactChunk();
  }

  private compactPending(): boolean {
    return this.compactTarget >= this.host.store.firstIndex();
  }

  /** Compacts the log toward compactTarget by compactionStep entries (idempotent; nothing once a snapshot
   * from the leader reset the log past it). No write may be prepared. */
  private compactChunk(): void {
    this.compactDue = false;
    const { store } = this.host;
    const first = store.firstIndex();
    if (this.compactTarget >= first) store.compact(first - 1 + compactionStep(this.compactTarget - first + 1));
  }

  /** Gives up a snapshot being written and waits until its writer has let go of it. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.taking?.local.release();
    await this.writing;
  }

  private begin(applied: number): void {
    this.configChangedSinceSnapshot = false;
    const local = this.host.store.beginSnapshot(applied);
    const taking = { local, written: false };
    this.taking = taking;
    this.writing = local.copied().then(
      () => {
        taking.written = true;
        this.host.wake();
      },
      (err: unknown) => {
        local.release();
        if (this.taking === taking) this.taking = undefined;
        const abandoned = err instanceof RuninkError && err.code === STORAGE_ERRORS.SNAPSHOT_ABANDONED;
        if (!this.stopped && !abandoned) this.host.fail(err);
      },
    );
  }

  /** The snapshot's file is durable: the store records it (unless one from the leader superseded it), and the
   * log is to be compacted to compactionMargin entries behind it. */
  private finishWritten(): void {
    if (this.taking?.written !== true) return;
    const { local } = this.taking;
    this.taking = undefined;
    const { store } = this.host;
    let recorded: SnapshotMetadata | undefined;
    try {
      recorded = store.finishSnapshot(local);
    } finally {
      local.release(); // nothing once recorded
    }
    if (recorded === undefined) return;
    const { index } = recorded;
    this.lastSnapshotIndex = Math.max(this.lastSnapshotIndex, index);
    this.compactTarget = Math.max(this.compactTarget, index - (this.options.compactionMargin ?? 5_000));
  }
}
