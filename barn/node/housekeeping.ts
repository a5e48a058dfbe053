// What a node's housekeeping does after a loop pass. Pure: counters in, decisions out.
//   - The leader proposes a revision compaction once history holds a twentieth more than retainRevisions
//     (looked at every 1,000 revisions), keeping the last retainRevisions. Every member deletes the dropped
//     events in one write-back, ~4 µs each, all members at about the same time: dropping 20,000 at once (the
//     rule was 2 × retainRevisions) stopped them together for 76–96 ms, 5,000 (a quarter) for ~20 ms; with the
//     default 20,000, ~2,000 every ~2,000 revisions (docs/performance.md, stop 15).
//   - Every node snapshots its state machine every snapshotEvery applied entries (at its own phase: see
//     snapshotPhase), when its write-ahead log
//     segment has grown past snapshotWalBytes (a snapshot starts a new segment: large values must not make a
//     segment that takes long, or too much memory, to read at the next start), and at once after a
//     membership change (a member it added can only install a snapshot whose configuration includes it), then
//     compacts its log to compactionMargin entries behind the snapshot.
import type { ConfState } from '../raft/types.ts';

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
  /** This member snapshots when its applied index passes snapshotPhase + k × snapshotEvery (snapshotPhase()). */
  readonly snapshotPhase: number;
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

/** History past retainRevisions by more than this calls for a compaction: a twentieth of what is retained, at
 * least one check interval. Smaller and more frequent compactions: the same deletes, shorter stops. */
export function compactionSlack(retainRevisions: number): number {
  return Math.max(COMPACTION_CHECK_EVERY, Math.floor(retainRevisions / 20));
}

export function housekeeping(i: HousekeepingInput): Housekeeping {
  let compactTo: number | undefined;
  let lastCompactionCheck = i.lastCompactionCheck;
  if (i.revision - i.lastCompactionCheck >= COMPACTION_CHECK_EVERY) {
    lastCompactionCheck = i.revision;
    if (i.isLeader && i.revision - i.compactedRevision > i.retainRevisions + compactionSlack(i.retainRevisions)) compactTo = i.revision - i.retainRevisions;
  }
  const due = stretch(i.appliedIndex, i) > stretch(i.lastSnapshotIndex, i) || i.configChangedSinceSnapshot || i.walBytes >= i.snapshotWalBytes;
  const snapshot = i.appliedIndex > i.lastSnapshotIndex && due;
  return compactTo === undefined ? { lastCompactionCheck, snapshot } : { compactTo, lastCompactionCheck, snapshot };
}

/** Which stretch of snapshotEvery entries (counted from the member's phase) `index` is in. */
function stretch(index: number, i: HousekeepingInput): number {
  return Math.floor((index - i.snapshotPhase) / i.snapshotEvery);
}

/** Where in every snapshotEvery entries `nodeId` snapshots: members spread evenly by their rank in the
 * configuration (sorted ids), so that they do not all snapshot at the same applied index. A snapshot copies
 * the env (~40 MB at the default interval) and slows its member's loop meanwhile; on one machine three members
 * copying at once made every loop and the disk slow together for ~0.5 s, and the requests of that spell were
 * most of the 3-node p99 (docs/performance.md, stop 15). Staggered, while one member copies the two others
 * are a quorum that is not slowed by it. A lone member's phase is 0; a member not in the configuration gets 0. */
export function snapshotPhase(nodeId: string, conf: ConfState, snapshotEvery: number): number {
  const members = [...new Set([...conf.voters, ...conf.learners, ...conf.votersOutgoing, ...conf.learnersNext])].sort();
  const rank = members.indexOf(nodeId);
  return rank <= 0 ? 0 : Math.floor((rank * snapshotEvery) / members.length);
}

/** Log entries dropped per write-back at least (writeBackTick). Chosen when the log held one entry per key:
 * deleting the 45,000 entries behind a snapshot in one transaction held the loop 40–58 ms, 2,000 ~2–5 ms; in
 * chunks of 64 (barn/storage/log-chunk.ts) 2,000 entries are ~31 deletes. */
export const COMPACT_CHUNK = 2_000;
/** A backlog is drained within about this many write-backs (~1 s at one per 100 ms). */
export const COMPACT_DRAIN_TICKS = 10;

/** How many of `backlog` entries (behind the compaction target) one write-back drops: COMPACT_CHUNK, or a tenth
 * of the backlog when that is more. A fixed 2,000 per 100 ms (20,000 a second, minus the ticks that find a flush
 * in flight) fell behind a lone member writing ~15,000 a second: the log grew without bound (stop 16's soak). A
 * step that grows with the backlog always catches up. */
export function compactionStep(backlog: number): number {
  if (backlog <= 0) return 0;
  return Math.min(backlog, Math.max(COMPACT_CHUNK, Math.ceil(backlog / COMPACT_DRAIN_TICKS)));
}
