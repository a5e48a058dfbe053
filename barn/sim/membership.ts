// Membership changes the scheduler proposes, chosen against the proposing node's current configuration:
// add a never-used node (voter or learner), remove a voter, promote a learner, demote a voter — one at a
// time (simple) or two at once through joint consensus (auto, implicit or explicit leave) — or, in a joint
// configuration, leave it. Ids are never reused: a removed node stays out (as in etcd). Changes the leader
// refuses (e.g. while another is pending) become no-ops in the log; that is part of what is exercised.
//
// 'careful' (the default) is what an operator following a safe procedure does: a change removes or demotes
// at most one voter, and only from a configuration of at least three. Then the voters that remain can
// always elect a leader under the old configuration, even when the removed node was the leader and
// stepped down before they learned the change committed. Proposals race (each is chosen against its
// proposer's view), so the rule is also enforced where it is exact: when the change is applied, as etcd's
// server validates changes at apply time — a change it does not admit is applied as a no-op change (same
// decision on every node, as all apply the same prefix). 'unrestricted' drops the rule; it can strand a
// cluster (see README.md, "Findings").
import type { Rng } from '../../common/rng.ts';
import type { ConfChange, ConfChangeSingle, ConfState, NodeId } from '../raft/types.ts';
import type { MembershipPolicy } from './types.ts';

const TRANSITIONS: readonly ConfChange['transition'][] = ['auto', 'implicit', 'explicit'];
const LEAVE_JOINT: ConfChange = { changes: [], transition: 'auto', context: '' };

/** `addable`: ids never part of any configuration. */
export function chooseConfChange(rng: Rng, cs: ConfState, addable: readonly NodeId[], policy: MembershipPolicy): ConfChange {
  if (cs.votersOutgoing.length > 0) return LEAVE_JOINT;
  const options = singles(cs, addable, policy);
  const first = options[rng.int(options.length)];
  if (first === undefined) return LEAVE_JOINT;
  if (rng.int(3) > 0) return { changes: [first], transition: 'auto', context: '' };
  const rest = options.filter((o) => o.nodeId !== first.nodeId && (policy === 'unrestricted' || !(shrinks(cs, first) && shrinks(cs, o))));
  const second = rest[rng.int(rest.length)];
  const changes = second === undefined ? [first] : [first, second];
  return { changes, transition: TRANSITIONS[rng.int(TRANSITIONS.length)] ?? 'auto', context: '' };
}

function singles(cs: ConfState, addable: readonly NodeId[], policy: MembershipPolicy): ConfChangeSingle[] {
  const out: ConfChangeSingle[] = [];
  const spare = addable[0];
  if (spare !== undefined) out.push({ type: 'add-node', nodeId: spare }, { type: 'add-learner', nodeId: spare });
  for (const id of cs.learners) out.push({ type: 'add-node', nodeId: id }, { type: 'remove-node', nodeId: id });
  if (cs.voters.length >= (policy === 'careful' ? 3 : 2)) {
    for (const id of cs.voters) out.push({ type: 'remove-node', nodeId: id }, { type: 'add-learner', nodeId: id });
  }
  return out;
}

/** The change applied instead of one the policy does not admit: a simple change of nobody. */
export const NO_OP_CHANGE: ConfChange = { changes: [{ type: 'add-node', nodeId: '' }], transition: 'auto', context: '' };

/** Whether the policy admits applying `cc` to the configuration `cs`. */
export function admits(policy: MembershipPolicy, cs: ConfState, cc: ConfChange): boolean {
  switch (policy) {
    case 'unrestricted':
      return true;
    case 'careful': {
      const shrinking = new Set(cc.changes.filter((c) => shrinks(cs, c)).map((c) => c.nodeId));
      return shrinking.size === 0 || (shrinking.size === 1 && cs.voters.length >= 3);
    }
  }
}

/** Whether `c` takes a voter out of the voters (removal or demotion). */
function shrinks(cs: ConfState, c: ConfChangeSingle): boolean {
  return c.type !== 'add-node' && cs.voters.includes(c.nodeId);
}
