// SimStorage: the MemoryStorage of a simulated node, plus what a real server provides on top of it: a
// snapshot of the state machine at its applied index on demand (the leader sends one to a follower that
// needs compacted entries, and it must include the newest configuration — a new member ignores a snapshot
// whose configuration lacks it). The stored snapshot (made by compaction or received) is what a restart
// boots from; the on-demand one is never persisted. Every other ask for it is answered "temporarily
// unavailable", as Barn's store answers while a worker thread encodes a local snapshot (snapshot-encoder.ts):
// the leader must then send nothing and ask again later.
import { MemoryStorage } from '../raft/memory-storage.ts';
import { SnapshotTemporarilyUnavailableError } from '../raft/storage.ts';
import type { Snapshot } from '../raft/types.ts';

export class SimStorage extends MemoryStorage {
  /** Supplies a snapshot at the applied index when it is newer than the stored one. */
  onDemand: (() => Snapshot | undefined) | undefined = undefined;
  private asks = 0;

  storedSnapshot(): Snapshot {
    return super.snapshot();
  }

  override snapshot(): Snapshot {
    if (++this.asks % 2 === 1) throw new SnapshotTemporarilyUnavailableError(super.snapshot().metadata.index);
    return this.onDemand?.() ?? super.snapshot();
  }
}
