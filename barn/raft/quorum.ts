// Quorum arithmetic, pure functions over sets of voter ids.
//   majority: a simple configuration; its committed index is the highest index acknowledged by a majority.
//   joint:    two majority configurations (incoming, outgoing) during joint consensus; a decision needs a
//             majority in BOTH. An empty outgoing config imposes no constraint.
import type { NodeId } from './types.ts';

export type VoteResult = 'pending' | 'lost' | 'won';

export type MajorityConfig = ReadonlySet<NodeId>;

export interface JointConfig {
  readonly incoming: MajorityConfig;
  readonly outgoing: MajorityConfig;
}

/** Highest index acked by a majority. Unknown voters count as 0. An empty config returns +Infinity so that
 * it never constrains a joint config's minimum. */
export function majorityCommittedIndex(voters: MajorityConfig, acked: (id: NodeId) => number | undefined): number {
  const n = voters.size;
  if (n === 0) return Number.POSITIVE_INFINITY;
  // Insertion sort, descending: a handful of voters, and no comparator closure or sort state per call (the
  // leader asks after every acknowledgement).
  const indexes: number[] = [];
  for (const id of voters) {
    const v = acked(id) ?? 0;
    let i = indexes.length;
    indexes.push(v);
    while (i > 0 && (indexes[i - 1] as number) < v) {
      indexes[i] = indexes[i - 1] as number;
      i--;
    }
    indexes[i] = v;
  }
  return indexes[Math.floor(n / 2)] as number;
}

/** Votes: true = granted, false = rejected, absent = not yet heard. An empty config wins (by convention, so
 * that joint decisions reduce to the non-empty half). */
export function majorityVoteResult(voters: MajorityConfig, votes: ReadonlyMap<NodeId, boolean>): VoteResult {
  if (voters.size === 0) return 'won';
  let granted = 0;
  let missing = 0;
  for (const id of voters) {
    const v = votes.get(id);
    if (v === undefined) missing++;
    else if (v) granted++;
  }
  const q = Math.floor(voters.size / 2) + 1;
  if (granted >= q) return 'won';
  if (granted + missing >= q) return 'pending';
  return 'lost';
}

export function jointCommittedIndex(cfg: JointConfig, acked: (id: NodeId) => number | undefined): number {
  return Math.min(majorityCommittedIndex(cfg.incoming, acked), majorityCommittedIndex(cfg.outgoing, acked));
}

export function jointVoteResult(cfg: JointConfig, votes: ReadonlyMap<NodeId, boolean>): VoteResult {
  const a = majorityVoteResult(cfg.incoming, votes);
  const b = majorityVoteResult(cfg.outgoing, votes);
  if (a === b) return a;
  if (a === 'lost' || b === 'lost') return 'lost';
  return 'pending';
}

/** All voter ids of a joint config (union of both halves). */
export function jointIds(cfg: JointConfig): Set<NodeId> {
  return new Set([...cfg.incoming, ...cfg.outgoing]);
}
