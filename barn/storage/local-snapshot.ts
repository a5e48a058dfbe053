// A local snapshot taken while the node goes on (LmdbStore.beginSnapshot → LocalSnapshot.copied →
// LmdbStore.finishSnapshot). beginSnapshot writes back, so the env holds the state at the applied index i, and
// starts LMDB's copy of the env at once (snapshot-copy.ts: in C, on libuv's pool; the event loop does nothing
// for it). When the copy has ended, its index j is i if no env write transaction ended since the write-back,
// else it is read from the copy with its configuration (j ≥ i: a write-back may commit before the copy's read
// transaction starts). The copy is fsynced and renamed from LOCAL_COPY_TMP to `snapshot-<j>.lmdb` (dir fsynced),
// off the event loop: `copied()` resolves once it is durable under that name.
//
// Before, the snapshot was read record by record through a pinned read transaction and encoded on the event
// loop, 50 ms at a time: 150 ms of CPU per member and 220–320 ms from begin to finish at 3 nodes × 64 in flight,
// on every member at the same applied index (docs/performance.md).
//
// Ownership and states: copying → copied → recorded (finishSnapshot) or abandoned (release). Once abandoned its
// directory is deleted, at once or when the copy ends, and `copied()` rejects with SNAPSHOT_ABANDONED; once
// recorded the store owns the directory and release does nothing. `settled` resolves when LMDB's copy has ended
// and been published or given up, and an abandoned copy is deleted: the env must not close before (LmdbStore.close
// awaits it).
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { RootDatabase } from 'lmdb';
import { STORAGE_ERRORS, storageError } from './errors.ts';
import { fsyncDirOffLoop } from './fs-sync.ts';
import { cacheCopyIndexPages, copyEnv, readCopiedState, type CopiedState } from './snapshot-copy.ts';
import { LOCAL_COPY_TMP, discardLater, snapshotCopyPath } from './snapshot-file.ts';

type State = { readonly kind: 'copying' } | { readonly kind: 'copied'; readonly state: CopiedState } | { readonly kind: 'recorded' } | { readonly kind: 'abandoned' };

export class LocalSnapshot {
  readonly fromIndex: number;
  private readonly done: Promise<CopiedState>;
  private state: State = { kind: 'copying' };
  /** Its directory being deleted after it was abandoned. */
  private discarding: Promise<void> = Promise.resolve();

  /** Starts the copy (LmdbStore.beginSnapshot, right after a write-back that left the env at `begun.index`).
   * `unchanged` tells whether no env write transaction has ended since: then the copy holds exactly `begun`, and
   * is not opened to find out. `alsoReady` (never rejects) is waited for before copied() resolves. */
  constructor(root: RootDatabase, private readonly dir: string, private readonly begun: CopiedState, private readonly noSync: boolean, private readonly unchanged: () => boolean, alsoReady: Promise<void>) {
    this.fromIndex = begun.index;
    const tmp = join(dir, LOCAL_COPY_TMP);
    const copying = copyEnv(root, tmp, noSync);
    this.done = copying.then(() => this.publish(tmp)).then(async (state) => {
      await alsoReady;
      this.assertNotAbandoned(snapshotCopyPath(dir, state.index));
      return state;
    });
    this.done.catch(() => undefined); // the owner awaits copied(); an abandoned one may never be awaited
  }

  /** Resolves when LMDB's copy has ended and been published or given up (however), and an abandoned copy is
   * deleted. */
  get settled(): Promise<void> {
    const ended = (): Promise<void> => this.discarding;
    return this.done.then(ended, ended);
  }

  /** Resolves with the copy's index and configuration once it is durable as `snapshot-<index>.lmdb`. */
  copied(): Promise<CopiedState> {
    return this.done;
  }

  /** Neither recorded nor abandoned yet. */
  get open(): boolean {
    return this.state.kind === 'copying' || this.state.kind === 'copied';
  }

  /** Names in the dir this snapshot owns until it is recorded or abandoned (removeOtherSnapshotFiles spares them). */
  files(): string[] {
    switch (this.state.kind) {
      case 'copying':
        return [LOCAL_COPY_TMP];
      case 'copied':
        return [LOCAL_COPY_TMP, snapshotCopyPath('', this.state.state.index)];
      case 'recorded':
      case 'abandoned':
        return [];
    }
  }

  /** What the copy holds; SNAPSHOT_INVALID unless copied() has resolved and the snapshot is still open. */
  result(): CopiedState {
    if (this.state.kind !== 'copied') throw storageError(STORAGE_ERRORS.SNAPSHOT_INVALID, `the local snapshot begun at ${this.fromIndex} is ${this.state.kind}, not copied`, { index: this.fromIndex });
    return this.state.state;
  }

  /** The store has recorded it (from the moment it tries: a WAL segment may name it): its directory is the store's. */
  markRecorded(): void {
    this.state = { kind: 'recorded' };
  }

  /** Abandons it unless recorded: its directory is deleted (now, or when the copy ends). Idempotent. */
  release(): void {
    const was = this.state;
    if (was.kind === 'recorded' || was.kind === 'abandoned') return;
    this.state = { kind: 'abandoned' };
    if (was.kind === 'copied') this.discard(snapshotCopyPath(this.dir, was.state.index));
  }

  /** The copy has ended: its state (read from it only if the env was written meanwhile, its pages cached first),
   * made durable and renamed to its index's name, all off the event loop but the read. */
  private async publish(tmp: string): Promise<CopiedState> {
    this.assertNotAbandoned(tmp);
    const state = this.unchanged() ? this.begun : await this.readCopy(tmp);
    if (state.index < this.fromIndex) {
      this.discard(tmp);
      throw storageError(STORAGE_ERRORS.SNAPSHOT_INVALID, `a snapshot begun at ${this.fromIndex} copied the env at ${state.index}`, { index: this.fromIndex });
    }
    if (!this.noSync) await fsyncDirOffLoop(tmp); // its data.mdb's entry
    this.assertNotAbandoned(tmp);
    const path = snapshotCopyPath(this.dir, state.index);
    await discardLater(path); // left by a crash (no recorded snapshot is at this new index); frees the name at once
    await rename(tmp, path);
    if (!this.noSync) await fsyncDirOffLoop(this.dir);
    this.assertNotAbandoned(path);
    this.state = { kind: 'copied', state };
    return state;
  }

  private async readCopy(tmp: string): Promise<CopiedState> {
    await cacheCopyIndexPages(tmp);
    this.assertNotAbandoned(tmp);
    return readCopiedState(tmp);
  }

  /** Once abandoned: deletes `path` (the copy, under whichever name it has) and fails with SNAPSHOT_ABANDONED. */
  private assertNotAbandoned(path: string): void {
    if (this.state.kind !== 'abandoned') return;
    this.discard(path);
    throw storageError(STORAGE_ERRORS.SNAPSHOT_ABANDONED, `the local snapshot begun at ${this.fromIndex} was abandoned`, { index: this.fromIndex });
  }

  private discard(path: string): void {
    this.discarding = Promise.all([this.discarding, discardLater(path)]).then(() => undefined);
  }
}
