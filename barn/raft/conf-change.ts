// Applying configuration changes to a (TrackerConfig, ProgressMap) pair, copy-on-write: every function
// returns a NEW config and progress map, or a RaftError describing why the change is invalid (the inputs are
// never modified). Three operations, after etcd-io/raft's confchange.Changer:
//   simple     — at most one voter added or removed (learner changes are free); not allowed while joint;
//   enterJoint — outgoing := incoming, then apply all changes to incoming; decisions need both majorities;
//   leaveJoint — drop outgoing; learnersNext become learners; members only in outgoing are forgotten.
// restore() rebuilds the pair from a persisted ConfState (snapshot or storage on restart).
import { raftError } from './errors.ts';
import type { RaftError } from './errors.ts';
import { Inflights } from './inflights.ts';
import { Progress } from './progress.ts';
import { cloneTrackerConfig, emptyTrackerConfig, isJoint } from './tracker.ts';
import type { ProgressMap, TrackerConfig } from './tracker.ts';
import type { ConfChangeSingle, ConfState, NodeId } from './types.ts';

export interface ChangerInput {
  readonly config: TrackerConfig;
  readonly progress: ProgressMap;
  /** The log's last index: new members start probing from it. */
  readonly lastIndex: number;
  readonly maxInflight: number;
  readonly maxInflightBytes: number;
}

export type ChangeResult = { readonly ok: true; readonly config: TrackerConfig; readonly progress: ProgressMap } | { readonly ok: false; readonly error: RaftError };

export function enterJoint(input: ChangerInput, autoLeave: boolean, ccs: readonly ConfChangeSingle[]): ChangeResult {
  const w = copy(input);
  if (isJoint(w.config)) return fail('RAFT_CONF_ALREADY_JOINT', 'config is already joint');
  if (w.config.voters.incoming.size === 0) return fail('RAFT_CONF_ZERO_VOTERS', "can't make a zero-voter config joint");
  for (const id of w.config.voters.incoming) w.config.voters.outgoing.add(id);
  const err = apply(w, ccs);
  if (err !== undefined) return { ok: false, error: err };
  w.config.autoLeave = autoLeave;
  return check(w);
}

export function leaveJoint(input: ChangerInput): ChangeResult {
  const w = copy(input);
  if (!isJoint(w.config)) return fail('RAFT_CONF_NOT_JOINT', "can't leave a non-joint config");
  for (const id of w.config.learnersNext) {
    w.config.learners.add(id);
    (w.progress.get(id) as Progress).isLearner = true;
  }
  w.config.learnersNext.clear();
  for (const id of w.config.voters.outgoing) {
    const stays = w.config.voters.incoming.has(id) || w.config.learners.has(id);
    if (!stays) w.progress.delete(id);
  }
  w.config.voters.outgoing.clear();
  w.config.autoLeave = false;
  return check(w);
}

export function simple(input: ChangerInput, ccs: readonly ConfChangeSingle[]): ChangeResult {
  const w = copy(input);
  if (isJoint(w.config)) return fail('RAFT_CONF_ALREADY_JOINT', "can't apply simple config change in joint config");
  const before = new Set(w.config.voters.incoming);
  const err = apply(w, ccs);
  if (err !== undefined) return { ok: false, error: err };
  let changed = 0;
  for (const id of before) if (!w.config.voters.incoming.has(id)) changed++;
  for (const id of w.config.voters.incoming) if (!before.has(id)) changed++;
  if (changed > 1) return fail('RAFT_CONF_TOO_MANY_VOTER_CHANGES', 'more than one voter changed without entering joint config');
  return check(w);
}

/** Builds config and progress from a ConfState. Every member starts probing at `lastIndex`. */
export function restore(cs: ConfState, lastIndex: number, maxInflight: number, maxInflightBytes: number): ChangeResult {
  const w: Working = { config: emptyTrackerConfig(), progress: new Map(), lastIndex, maxInflight, maxInflightBytes };
  for (const id of cs.voters) w.config.voters.incoming.add(id);
  for (const id of cs.votersOutgoing) w.config.voters.outgoing.add(id);
  for (const id of cs.learners) w.config.learners.add(id);
  for (const id of cs.learnersNext) w.config.learnersNext.add(id);
  w.config.autoLeave = cs.autoLeave;
  for (const id of [...cs.voters, ...cs.votersOutgoing, ...cs.learners]) {
    if (!w.progress.has(id)) w.progress.set(id, newProgress(w, cs.learners.includes(id)));
  }
  return check(w);
}

interface Working extends ChangerInput {
  readonly config: TrackerConfig;
  readonly progress: ProgressMap;
}

function copy(input: ChangerInput): Working {
  const progress: ProgressMap = new Map();
  for (const [id, pr] of input.progress) progress.set(id, pr.clone());
  return { ...input, config: cloneTrackerConfig(input.config), progress };
}

function apply(w: Working, ccs: readonly ConfChangeSingle[]): RaftError | undefined {
  for (const cc of ccs) {
    if (cc.nodeId === '') continue;
    switch (cc.type) {
      case 'add-node':
        makeVoter(w, cc.nodeId);
        break;
      case 'add-learner':
        makeLearner(w, cc.nodeId);
        break;
      case 'remove-node':
        remove(w, cc.nodeId);
        break;
    }
  }
  if (w.config.voters.incoming.size === 0) return raftError('RAFT_CONF_ZERO_VOTERS', 'removed all voters');
  return undefined;
}

function makeVoter(w: Working, id: NodeId): void {
  const pr = w.progress.get(id);
  if (pr === undefined) {
    w.progress.set(id, newProgress(w, false));
    w.config.voters.incoming.add(id);
    return;
  }
  pr.isLearner = false;
  w.config.learners.delete(id);
  w.config.learnersNext.delete(id);
  w.config.voters.incoming.add(id);
}

/** A voter that is still in the outgoing half cannot become a learner before the joint state is left: it
 * goes to learnersNext instead. */
function makeLearner(w: Working, id: NodeId): void {
  const pr = w.progress.get(id);
  if (pr === undefined) {
    w.progress.set(id, newProgress(w, true));
    w.config.learners.add(id);
    return;
  }
  if (pr.isLearner) return;
  remove(w, id);
  w.progress.set(id, pr);
  if (w.config.voters.outgoing.has(id)) {
    w.config.learnersNext.add(id);
  } else {
    pr.isLearner = true;
    w.config.learners.add(id);
  }
}

function remove(w: Working, id: NodeId): void {
  if (!w.progress.has(id)) return;
  w.config.voters.incoming.delete(id);
  w.config.learners.delete(id);
  w.config.learnersNext.delete(id);
  if (!w.config.voters.outgoing.has(id)) w.progress.delete(id);
}

function newProgress(w: Working, isLearner: boolean): Progress {
  const pr = new Progress(Math.max(w.lastIndex, 1), new Inflights(w.maxInflight, w.maxInflightBytes), isLearner);
  // A new member counts as active so that check-quorum does not depose the leader right after adding it.
  pr.recentActive = true;
  return pr;
}

/** The invariants every configuration satisfies; a violation is reported as RAFT_CONF_INVALID. */
function check(w: Working): ChangeResult {
  const { config: c, progress } = w;
  const problems: string[] = [];
  const all = [...c.voters.incoming, ...c.voters.outgoing, ...c.learners, ...c.learnersNext];
  for (const id of all) if (!progress.has(id)) problems.push(`no progress for ${id}`);
  for (const id of c.learnersNext) {
    if (!c.voters.outgoing.has(id)) problems.push(`${id} is in learnersNext, but not in outgoing voters`);
    if (progress.get(id)?.isLearner === true) problems.push(`${id} is in learnersNext, but is already marked as learner`);
  }
  for (const id of c.learners) {
    if (c.voters.incoming.has(id) || c.voters.outgoing.has(id)) problems.push(`${id} is both a learner and a voter`);
    if (progress.get(id)?.isLearner !== true) problems.push(`${id} is a learner, but is not marked as learner`);
  }
  if (!isJoint(c) && (c.learnersNext.size > 0 || c.autoLeave)) problems.push('learnersNext or autoLeave set outside a joint config');
  for (const id of progress.keys()) {
    const member = c.voters.incoming.has(id) || c.voters.outgoing.has(id) || c.learners.has(id) || c.learnersNext.has(id);
    if (!member) problems.push(`progress for non-member ${id}`);
  }
  if (problems.length > 0) return fail('RAFT_CONF_INVALID', problems.join('; '));
  return { ok: true, config: c, progress };
}

function fail(code: RaftError['code'], message: string): ChangeResult {
  return { ok: false, error: raftError(code, message) };
}
