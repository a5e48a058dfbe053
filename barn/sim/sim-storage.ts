// SimStorage: the MemoryStorage of a simulated node, plus what a real server provides on top of it: a
// snapshot of the state machine at its applied index on demand (the leader sends one to a follower that
// needs compacted entries, and it must include the newest configuration — a new member ignores a snapshot
// whose configuration lacks it). The stored snapshot (made by compaction or received) is what a restart
// boots from; the on-demand one is never persisted.
import { MemoryStorage } from '../raft/memory-storage.ts';
import type { Snapshot } from '../raft/types.ts';

export class SimStorage extends MemoryStorage {
  /** Supplies a snapshot at the applied index when it is newer than the stored one. */
  onDemand: (() => Snapshot | undefined) | undefined = undefined;

  storedSnapshot(): Snapshot {
    return super.snapshot();
  }

  override snapshot(): Snapshot {
    return this.onDemand?.() ?? super.snapshot();
  }
}
