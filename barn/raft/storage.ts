// What the Raft core reads of the durable log (after etcd-io/raft's Storage): synchronous, so the core stays a
// pure function of its inputs plus this read-only view. Implementations: MemoryStorage (raft/memory-storage.ts,
// for tests and simulation) and the LMDB store (storage/). The node loop writes; the core only reads.
import type { ConfState, Entry, HardState, Snapshot } from './types.ts';

export interface RaftStorage {
  /** Hard state and configuration as persisted (after a restart: what the node had durably). */
  initialState(): { hardState: HardState; confState: ConfState };
  /** Entries in [lo, hi), at most `maxBytes` of data (always at least one entry if any is in range).
   * Throws CompactedError when lo ≤ the compacted index, UnavailableError when hi > lastIndex + 1. */
  entries(lo: number, hi: number, maxBytes: number): Entry[];
  /** Term of entry i; i may be firstIndex - 1 (the snapshot's index). Throws CompactedError / UnavailableError. */
  term(i: number): number;
  lastIndex(): number;
  /** Index of the first entry still in the log (snapshot index + 1). */
  firstIndex(): number;
  /** The most recent snapshot (possibly empty: index 0). May throw SnapshotTemporarilyUnavailableError while
   * its bytes are being prepared (as etcd-io/raft's ErrSnapshotTemporarilyUnavailable): the leader then sends
   * nothing to that follower and asks again on a later append or heartbeat response. */
  snapshot(): Snapshot;
}

export class CompactedError extends Error {
  readonly code = 'RAFT_COMPACTED';
  constructor(index: number) {
    super(`requested index ${index} is unavailable due to compaction`);
  }
}

export class UnavailableError extends Error {
  readonly code = 'RAFT_UNAVAILABLE';
  constructor(index: number) {
    super(`requested entry at index ${index} is unavailable`);
  }
}

/** The snapshot exists but its bytes are not ready yet (being encoded off the event loop); ask again later. */
export class SnapshotTemporarilyUnavailableError extends Error {
  readonly code = 'RAFT_SNAPSHOT_TEMPORARILY_UNAVAILABLE';
  constructor(index: number) {
    super(`snapshot at index ${index} is temporarily unavailable`);
  }
}
