// What a node's housekeeping does after a loop pass. Pure: counters in, decisions out.
//   - The leader proposes a revision compaction once history holds more than 2 × retainRevisions (looked at
//     every 1,000 revisions), keeping the last retainRevisions.
//   - Every node snapshots its state machine every snapshotEvery applied entries, when its write-ahead log
//     segment has grown past snapshotWalBytes (a snapshot starts a new segment: large values must not make a
//     segment that takes long, or too much memory, to read at the next start), and at once after a
//     membership change (a member it added can only install a snapshot whose configuration includes it), then
//     compacts its log to compactionMargin entries behind the snapshot.
export interface HousekeepingInput {
  readonly isLeader: boolean;
  readonly revision: number;
  readonly compactedRevision: number;
  /** Revision at which compaction was last looked at. */
  readonly lastCompactionCheck: number;
  readonly retainRevisions: number;
  readonly appliedIndex: number;
  readonly lastSnapshotIndex: number;
  readonly snapshotEvery: number;
  readonly configChangedSinceSnapshot: boolean;
  /** Bytes in the current WAL segment, and the size that calls for a snapshot. */
  readonly walBytes: number;
  readonly snapshotWalBytes: number;
}

export interface Housekeeping {
  /** Propose `compact` to this revision. */
  readonly compactTo?: number;
  readonly lastCompactionCheck: number;
  /** Snapshot the state machine at the applied index. */
  readonly snapshot: boolean;
}

export const COMPACTION_CHECK_EVERY = 1000;

export function housekeeping(i: HousekeepingInput): Housekeeping {
  let compactTo: number | undefined;
  let lastCompactionCheck = i.lastCompactionCheck;
  if (i.revision - i.lastCompactionCheck >= COMPACTION_CHECK_EVERY) {
    lastCompactionCheck = i.revision;
    if (i.isLeader && i.revision - i.compactedRevision > i.retainRevisions * 2) compactTo = i.revision - i.retainRevisions;
  }
  const due = i.appliedIndex - i.lastSnapshotIndex >= i.snapshotEvery || i.configChangedSinceSnapshot || i.walBytes >= i.snapshotWalBytes;
  const snapshot = i.appliedIndex > i.lastSnapshotIndex && due;
  return { ...(compactTo === undefined ? {} : { compactTo }), lastCompactionCheck, snapshot };
}
