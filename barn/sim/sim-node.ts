// One simulated member: its durable parts (a SimStorage holding exactly what the node loop persisted, and
// the state machine with its applied index) and its volatile part (the RawNode and a half-handled Ready),
// which a crash throws away. A restart rebuilds the RawNode from the storage alone.
import { seededRng } from '../../common/rng.ts';
import type { RaftLogger } from '../raft/logger.ts';
import { RawNode } from '../raft/raw-node.ts';
import type { ConfState, NodeId, Ready, Snapshot } from '../raft/types.ts';
import type { AppliedEntry, DurableLogView } from './check-committed.ts';
import type { SafetyChecker } from './checker.ts';
import { decodeStateMachine, encodeStateMachine } from './state-machine.ts';
import { SimStorage } from './sim-storage.ts';
import type { ClusterVariant } from './types.ts';

export interface SimNode {
  readonly id: NodeId;
  /** Durable: replaced only by the 'drop-tail-on-crash' planted bug. */
  storage: SimStorage;
  /** Durable state machine: entries 1..sm.length, all applied. */
  sm: AppliedEntry[];
  /** Volatile: undefined while the node is down. */
  raw: RawNode | undefined;
  /** Counts boots; volatile observations are keyed by it. */
  incarnation: number;
  /** Lazy mode: a Ready persisted and sent but not yet applied and advanced. */
  pending: Ready | undefined;
  /** Volatile: the configurations applied since the stored snapshot, with the index each took effect at. */
  confHistory: { index: number; confState: ConfState }[];
  /** Started at least once (spare nodes start when a change adding them is proposed). */
  joined: boolean;
}

/** A node whose storage is bootstrapped with the initial configuration (`voters`) at index 0, like every
 * node of the cluster: a node added later learns the changes after it from the log or a snapshot. */
export function newNode(id: NodeId, voters: readonly NodeId[]): SimNode {
  const confState: ConfState = { voters, learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };
  const n: SimNode = { id, storage: new SimStorage({ confState }), sm: [], raw: undefined, incarnation: 0, pending: undefined, confHistory: [], joined: false };
  n.storage.onDemand = () => snapshotAtApplied(n);
  return n;
}

/** The configuration in effect at log index `index` (which must be ≥ the stored snapshot's index). */
export function confStateAt(n: SimNode, index: number): ConfState {
  const base = n.storage.storedSnapshot().metadata;
  let cs = base.confState;
  for (const h of n.confHistory) if (h.index > base.index && h.index <= index) cs = h.confState;
  return cs;
}

/** A snapshot of what both the core and the state machine applied, if newer than the stored snapshot. */
function snapshotAtApplied(n: SimNode): Snapshot | undefined {
  const applied = compactLimit(n);
  if (applied <= n.storage.storedSnapshot().metadata.index) return undefined;
  const metadata = { index: applied, term: n.storage.term(applied), confState: confStateAt(n, applied) };
  return { metadata, data: encodeStateMachine(n.sm.slice(0, applied)) };
}

/** (Re)starts the node from its durable state only. A state machine behind the stored snapshot (the node
 * crashed between persisting a received snapshot and applying it) is first restored from that snapshot. */
export function boot(n: SimNode, v: ClusterVariant, rngSeed: number, checker: SafetyChecker, logger: RaftLogger): void {
  const snap = n.storage.storedSnapshot();
  if (snap.metadata.index > n.sm.length) {
    const sm = decodeStateMachine(snap.data);
    checker.committed.recordStateMachine(n.id, sm, n.storage.hardStateNow().term);
    n.sm = sm;
  }
  n.incarnation++;
  n.pending = undefined;
  n.confHistory = [];
  n.joined = true;
  n.raw = new RawNode({
    id: n.id,
    electionTick: v.electionTick,
    heartbeatTick: v.heartbeatTick,
    storage: n.storage,
    applied: snap.metadata.index,
    maxSizePerMsg: v.maxSizePerMsg,
    maxInflightMsgs: v.maxInflightMsgs,
    checkQuorum: v.checkQuorum,
    preVote: v.preVote,
    rng: seededRng(rngSeed),
    logger,
  });
}

/** Loses all volatile state. With `dropTail` (a planted bug) the storage also loses its last entry. */
export function crash(n: SimNode, dropTail: boolean): void {
  n.raw = undefined;
  n.pending = undefined;
  if (dropTail) n.storage = withoutLastEntry(n.storage);
}

function withoutLastEntry(s: SimStorage): SimStorage {
  const snap = s.storedSnapshot();
  const copy = new SimStorage({ confState: snap.metadata.confState });
  copy.onDemand = s.onDemand;
  if (snap.metadata.index > 0) copy.applySnapshot(snap);
  copy.append(s.entries(s.firstIndex(), s.lastIndex(), Number.MAX_SAFE_INTEGER));
  copy.setHardState(s.hardStateNow());
  return copy;
}

/** The highest index the node may compact to: what both the core and the state machine have applied. */
export function compactLimit(n: SimNode): number {
  if (n.raw === undefined) return 0;
  return Math.min(n.raw.raft.raftLog.applied, n.sm.length);
}

/** Snapshots the state machine at the applied index (if newer than the stored snapshot), then discards
 * the log up to `index` (≤ that snapshot's index). */
export function compact(n: SimNode, index: number): void {
  if (n.raw === undefined) return;
  const applied = compactLimit(n);
  if (applied > n.storage.storedSnapshot().metadata.index) {
    n.storage.createSnapshot(applied, confStateAt(n, applied), encodeStateMachine(n.sm.slice(0, applied)));
  }
  if (index > n.storage.firstIndex() - 1 && index <= applied) n.storage.compact(index);
}

/** The node's durable log, for the durability check. */
export function durableView(n: SimNode): DurableLogView {
  const s = n.storage;
  const first = s.firstIndex();
  const last = s.lastIndex();
  return {
    id: n.id,
    snapshotIndex: Math.max(first - 1, s.storedSnapshot().metadata.index),
    termAt: (i) => (i >= first && i <= last ? s.term(i) : undefined),
  };
}
