// Small helpers over ConfState (the persisted shape of a configuration): the empty value, membership checks
// and a canonical form (sorted ids) so two ConfStates can be compared.
import type { ConfState, NodeId } from './types.ts';

export const EMPTY_CONF_STATE: ConfState = {
  voters: [],
  learners: [],
  votersOutgoing: [],
  learnersNext: [],
  autoLeave: false,
};

export function sortedIds(ids: Iterable<NodeId>): NodeId[] {
  return [...ids].sort(compareIds);
}

/** Numeric ids ("2" < "10") sort numerically, everything else lexicographically: stable, readable output. */
export function compareIds(a: NodeId, b: NodeId): number {
  const na = /^\d+$/.test(a);
  const nb = /^\d+$/.test(b);
  if (na && nb) return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
  return a < b ? -1 : a > b ? 1 : 0;
}

export function canonicalConfState(cs: ConfState): ConfState {
  return {
    voters: sortedIds(cs.voters),
    learners: sortedIds(cs.learners),
    votersOutgoing: sortedIds(cs.votersOutgoing),
    learnersNext: sortedIds(cs.learnersNext),
    autoLeave: cs.autoLeave,
  };
}

export function confStatesEqual(a: ConfState, b: ConfState): boolean {
  const x = canonicalConfState(a);
  const y = canonicalConfState(b);
  const same = (p: readonly NodeId[], q: readonly NodeId[]): boolean => p.length === q.length && p.every((v, i) => v === q[i]);
  return (
    same(x.voters, y.voters) &&
    same(x.learners, y.learners) &&
    same(x.votersOutgoing, y.votersOutgoing) &&
    same(x.learnersNext, y.learnersNext) &&
    x.autoLeave === y.autoLeave
  );
}

/** Whether `id` is a member in any role (voter, outgoing voter, learner). */
export function isMember(cs: ConfState, id: NodeId): boolean {
  return cs.voters.includes(id) || cs.learners.includes(id) || cs.votersOutgoing.includes(id);
}

export function isEmptyConfState(cs: ConfState): boolean {
  return cs.voters.length === 0 && cs.learners.length === 0 && cs.votersOutgoing.length === 0 && cs.learnersNext.length === 0;
}
