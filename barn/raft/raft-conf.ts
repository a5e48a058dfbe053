// Configuration changes inside the core. A conf-change entry takes effect only when the application applies
// it (after commit) by calling applyConfChange; the leader admits one unapplied change at a time
// (pendingConfIndex) and refuses changes that are invalid against the current configuration, turning them
// into no-op entries so the log position is kept.
import { enterJoint, leaveJoint, simple } from './conf-change.ts';
import type { ChangeResult, ChangerInput } from './conf-change.ts';
import { describeConfChange, entersJoint, leavesJoint } from './conf-change-codec.ts';
import type { RaftError } from './errors.ts';
import type { Raft } from './raft.ts';
import { bcastAppend, maybeSendAppend } from './raft-leader.ts';
import { describeConfig, isJoint } from './tracker.ts';
import type { ProgressMap, TrackerConfig } from './tracker.ts';
import { NONE } from './types.ts';
import type { ConfChange, ConfState } from './types.ts';

function changerInput(r: Raft): ChangerInput {
  return {
    config: r.trk.config,
    progress: r.trk.progress,
    lastIndex: r.raftLog.lastIndex(),
    maxInflight: r.trk.maxInflight,
    maxInflightBytes: r.trk.maxInflightBytes,
  };
}

/** The change as it would apply to the current configuration (nothing is modified). */
export function computeConfChange(r: Raft, cc: ConfChange): ChangeResult {
  const input = changerInput(r);
  if (leavesJoint(cc)) return leaveJoint(input);
  const j = entersJoint(cc);
  if (j.joint) return enterJoint(input, j.autoLeave, cc.changes);
  return simple(input, cc.changes);
}

/** Why the leader refuses to append `cc` now ('' = accepted). */
export function refuseConfChange(r: Raft, cc: ConfChange): string {
  if (r.pendingConfIndex > r.raftLog.applied) {
    return `possible unapplied conf change at index ${r.pendingConfIndex} (applied to ${r.raftLog.applied})`;
  }
  const joint = isJoint(r.trk.config);
  const wantsLeave = leavesJoint(cc);
  if (joint && !wantsLeave) return 'must transition out of joint config first';
  if (!joint && wantsLeave) return 'not in joint state; refusing empty conf change';
  const result = computeConfChange(r, cc);
  return result.ok ? '' : result.error.message;
}

/** Applies a committed conf change. An invalid change (only possible if a proposer bypassed the leader's
 * checks) leaves the configuration unchanged; the error is returned alongside the (unchanged) ConfState. */
export function applyConfChange(r: Raft, cc: ConfChange): { confState: ConfState; error?: RaftError } {
  const result = computeConfChange(r, cc);
  if (!result.ok) {
    r.log('warn', `${r.id} ignored invalid conf change ${describeConfChange(cc)}: ${result.error.message}`);
    return { confState: r.trk.confState(), error: result.error };
  }
  return { confState: switchToConfig(r, result.config, result.progress) };
}

/** Installs a new configuration and does what it implies for this member: a leader that is no longer a
 * voter steps down; otherwise it commits what the new quorum allows and probes new members. */
export function switchToConfig(r: Raft, config: TrackerConfig, progress: ProgressMap): ConfState {
  r.trk.config = config;
  r.trk.progress = progress;
  r.log('info', `${r.id} switched to configuration ${describeConfig(config)}`);
  const cs = r.trk.confState();
  const pr = progress.get(r.id);
  r.isLearner = pr?.isLearner ?? false;
  if ((pr === undefined || r.isLearner) && r.role === 'leader') {
    if (r.stepDownOnRemoval) {
      r.log('info', `${r.id} stepping down: no longer a voter in the configuration`);
      r.becomeFollower(r.term, NONE);
    }
    return cs;
  }
  if (r.role !== 'leader' || cs.voters.length === 0) return cs;
  // The quorum may have shrunk: entries may be committed now.
  if (r.maybeCommit()) {
    bcastAppend(r);
  } else {
    r.trk.visit((id) => {
      if (id !== r.id) maybeSendAppend(r, id, false);
    });
  }
  if (r.leadTransferee !== NONE && !r.trk.isVoter(r.leadTransferee)) r.abortLeaderTransfer();
  return cs;
}
