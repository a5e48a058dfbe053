// What one Ready asks the store to make durable, and the pure rules about it (MustSync, emptiness).
import type { Entry, HardState, Snapshot, SnapshotMetadata } from '../raft/types.ts';
import type { LogState } from './lmdb-log.ts';
import type { WalRecord } from './wal-codec.ts';

/** A batch between prepare() and commit(): in the WAL, not yet in the env. */
export interface PreparedWrite {
  readonly batch: PersistBatch;
  /** Raft needs it durable before anything acts on it (flush() waits for the fsync). */
  readonly durable: boolean;
}

/** What one Ready asks to make durable (the `entries`, `hardState` and `snapshot` of raft's Ready). */
export interface PersistBatch {
  readonly entries: readonly Entry[];
  readonly hardState?: HardState;
  readonly snapshot?: Snapshot;
}

/** Raft's MustSync: entries, a snapshot, or a new term or vote must be durable before the node acts on them
 * (acks, votes); a change of the commit index alone need not be. */
export function mustSync(ready: PersistBatch, persisted: HardState): boolean {
  if (ready.entries.length > 0) return true;
  if (ready.snapshot !== undefined && ready.snapshot.metadata.index > 0) return true;
  const hs = ready.hardState;
  return hs !== undefined && (hs.term !== persisted.term || hs.vote !== persisted.vote);
}

export function copyHardState(hs: HardState): HardState {
  return { term: hs.term, vote: hs.vote, commit: hs.commit };
}

export function nonEmptySnapshot(ready: PersistBatch): Snapshot | undefined {
  return ready.snapshot !== undefined && ready.snapshot.metadata.index > 0 ? ready.snapshot : undefined;
}

export function isEmptyBatch(ready: PersistBatch): boolean {
  const snap = ready.snapshot !== undefined && ready.snapshot.metadata.index > 0;
  return ready.entries.length === 0 && ready.hardState === undefined && !snap;
}

/** What a batch appends to the write-ahead log, in order: its snapshot's metadata (the bytes go to a file), its
 * entries, its hard state. */
export function walRecords(ready: PersistBatch): WalRecord[] {
  const snap = nonEmptySnapshot(ready);
  return [
    ...(snap !== undefined ? [{ type: 'snapshot' as const, metadata: snap.metadata }] : []),
    ...(ready.entries.length > 0 ? [{ type: 'entries' as const, entries: ready.entries }] : []),
    ...(ready.hardState !== undefined ? [{ type: 'hard-state' as const, hardState: copyHardState(ready.hardState) }] : []),
  ];
}

/** The log's in-memory view after a write transaction, adopted only once it has committed. */
export interface PendingLog {
  readonly log: LogState;
  readonly snapMeta: SnapshotMetadata;
  readonly hard: HardState | undefined;
}
