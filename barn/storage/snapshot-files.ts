// The snapshot files of one data dir as the store keeps track of them (snapshot-file.ts holds the file
// operations): the current snapshot's bytes (for a follower: an env copy encoded off the loop,
// snapshot-encoder.ts), the local snapshot being taken (one at a time, local-snapshot.ts), and older files being
// deleted on libuv's pool.
//
// Ownership: LmdbStore only. The env must stay open until abandon()'s promise resolves (LMDB's copy reads it).
import type { RootDatabase } from 'lmdb';
import { STORAGE_ERRORS, storageError } from './errors.ts';
import { LocalSnapshot } from './local-snapshot.ts';
import { encodeEnvCopy, type CopiedState } from './snapshot-copy.ts';
import { SnapshotEncoder } from './snapshot-encoder.ts';
import { readSnapshotBytes, removeOtherSnapshotFiles } from './snapshot-file.ts';

export class SnapshotFiles {
  /** The local snapshot last begun, until the store records or drops it: LMDB may still be copying the env. */
  private local: LocalSnapshot | undefined;
  private removing: Promise<void> = Promise.resolve();
  private readonly encoder = new SnapshotEncoder();

  constructor(private readonly dir: string, private readonly noSync: boolean) {}

  /** The bytes of the snapshot at `index` (> 0): its file, or its env copy encoded, or (dirs from before snapshot
   * files) what `legacy` finds in the env. */
  read(index: number, legacy: () => Buffer | undefined): Uint8Array {
    return readSnapshotBytes(this.dir, index, encodeEnvCopy, legacy);
  }

  /** As read, for Raft to send to a follower: an env copy's bytes come from the encoder, and until they are
   * ready this throws SnapshotTemporarilyUnavailableError (snapshot-encoder.ts). */
  readForPeer(index: number, legacy: () => Buffer | undefined): Uint8Array {
    return readSnapshotBytes(this.dir, index, (path) => this.encoder.get(index, path), legacy);
  }

  /** Starts a local snapshot: LMDB's copy of `root`, which holds `begun` (LocalSnapshot's constructor). */
  beginLocal(root: RootDatabase, begun: CopiedState, unchanged: () => boolean, alsoReady: Promise<void>): LocalSnapshot {
    if (this.local?.open === true) throw storageError(STORAGE_ERRORS.NESTED_WRITE, 'a local snapshot is already being taken');
    return (this.local = new LocalSnapshot(root, this.dir, begun, this.noSync, unchanged, alsoReady));
  }

  /** What the copied local snapshot `s` holds, for the store to record: from here its files are the store's (a
   * WAL segment may name them). Undefined, and `s` dropped, when it is not past `currentIndex` (a snapshot from
   * the leader superseded it). */
  takeLocal(s: LocalSnapshot, currentIndex: number): CopiedState | undefined {
    if (this.local === s) this.local = undefined;
    const copied = s.result();
    if (copied.index <= currentIndex) {
      s.release();
      return undefined;
    }
    s.markRecorded();
    return copied;
  }

  /** Step 3 of the snapshot files' contract (snapshot-file.ts), sparing the local snapshot's files. */
  removeOthers(keep: number): void {
    const removed = removeOtherSnapshotFiles(this.dir, keep, this.local?.files());
    this.removing = Promise.all([this.removing, removed]).then(() => undefined);
  }

  /** Resolves once the older snapshot files being deleted are gone. */
  get removed(): Promise<void> {
    return this.removing;
  }

  /** At close: abandons the local snapshot now; resolves once LMDB's copy has ended and the deletions are done. */
  abandon(): Promise<void> {
    const local = this.local;
    this.local = undefined;
    local?.release();
    const encoded = this.encoder.close();
    return Promise.all([local?.settled, encoded]).then(() => this.removing);
  }
}
