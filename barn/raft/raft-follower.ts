// Followers (and the receive side shared with candidates): accept appends, heartbeats and snapshots from
// the leader, forward proposals / read-index / transfer requests to it, campaign on MsgTimeoutNow.
import { isMember } from './conf-state.ts';
import { invariant, proposalDropped } from './errors.ts';
import type { RaftError } from './errors.ts';
import { restore as restoreConfig } from './conf-change.ts';
import { switchToConfig } from './raft-conf.ts';
import type { Raft } from './raft.ts';
import { hup } from './raft-election.ts';
import { NONE } from './types.ts';
import type { Message, Snapshot } from './types.ts';

export function stepFollower(r: Raft, m: Message): RaftError | null {
  switch (m.type) {
    case 'prop':
      if (r.lead === NONE) {
        r.log('info', `${r.id} no leader at term ${r.term}; dropping proposal`);
        return proposalDropped('no leader');
      }
      if (r.disableProposalForwarding) {
        r.log('info', `${r.id} not forwarding to leader ${r.lead} at term ${r.term}; dropping proposal`);
        return proposalDropped('proposal forwarding is disabled');
      }
      r.send({ ...m, to: r.lead });
      return null;
    case 'app':
      r.electionElapsed = 0;
      r.lead = m.from;
      handleAppendEntries(r, m);
      return null;
    case 'heartbeat':
      r.electionElapsed = 0;
      r.lead = m.from;
      handleHeartbeat(r, m);
      return null;
    case 'snap':
      r.electionElapsed = 0;
      r.lead = m.from;
      handleSnapshot(r, m);
      return null;
    case 'transfer-leader':
      if (r.lead === NONE) {
        r.log('info', `${r.id} no leader at term ${r.term}; dropping leader transfer msg`);
        return null;
      }
      r.send({ ...m, to: r.lead });
      return null;
    case 'timeout-now':
      r.log('info', `${r.id} [term ${r.term}] received MsgTimeoutNow from ${m.from} and starts an election to get leadership`);
      // Transfers skip pre-vote: the leader asked for it, there is no partition to guard against.
      hup(r, 'transfer');
      return null;
    case 'read-index':
      if (r.lead === NONE) {
        r.log('info', `${r.id} no leader at term ${r.term}; dropping index reading msg`);
        return null;
      }
      r.send({ ...m, to: r.lead });
      return null;
    case 'read-index-resp':
      r.readStates.push({ index: m.index, requestCtx: m.context });
      return null;
    default:
      return null;
  }
}

export function handleAppendEntries(r: Raft, m: Message): void {
  if (m.index < r.raftLog.committed) {
    r.send({ type: 'app-resp', to: m.from, index: r.raftLog.committed });
    return;
  }
  const lastNew = r.raftLog.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
  if (lastNew !== undefined) {
    r.send({ type: 'app-resp', to: m.from, index: lastNew });
    return;
  }
  // Reject with a hint: our last index ≤ the probe whose term is ≤ the probe's term. The leader can then
  // skip all entries of terms we do not have in one round trip.
  const hintIndex = Math.min(m.index, r.raftLog.lastIndex());
  const hint = r.raftLog.findConflictByTerm(hintIndex, m.logTerm);
  r.log(
    'debug',
    `${r.id} [logterm: ${r.raftLog.term(m.index) ?? 0}, index: ${m.index}] rejected MsgApp [logterm: ${m.logTerm}, index: ${m.index}] from ${m.from}`,
  );
  r.send({ type: 'app-resp', to: m.from, index: m.index, reject: true, rejectHint: hint.index, logTerm: hint.term });
}

export function handleHeartbeat(r: Raft, m: Message): void {
  r.raftLog.commitTo(m.commit);
  r.send({ type: 'heartbeat-resp', to: m.from, context: m.context });
}

export function handleSnapshot(r: Raft, m: Message): void {
  const s = m.snapshot;
  if (s === undefined) throw invariant(`${r.id} received MsgSnap without a snapshot`);
  const { index, term } = s.metadata;
  if (restore(r, s)) {
    r.log('info', `${r.id} [commit: ${r.raftLog.committed}] restored snapshot [index: ${index}, term: ${term}]`);
    r.send({ type: 'app-resp', to: m.from, index: r.raftLog.lastIndex() });
  } else {
    r.log('info', `${r.id} [commit: ${r.raftLog.committed}] ignored snapshot [index: ${index}, term: ${term}]`);
    r.send({ type: 'app-resp', to: m.from, index: r.raftLog.committed });
  }
}

/** Replaces the log with the snapshot; false when it is not newer than what is committed here (or only
 * fast-forwards the commit index because the log already has the snapshot's last entry). */
function restore(r: Raft, s: Snapshot): boolean {
  const { index, term, confState } = s.metadata;
  if (index <= r.raftLog.committed) return false;
  if (r.role !== 'follower') {
    // Defensive: only a leader of r.term sends snapshots, and that made us a follower.
    r.log('warn', `${r.id} attempted to restore snapshot as ${r.role}; should never happen`);
    r.becomeFollower(r.term + 1, NONE);
    return false;
  }
  if (!isMember(confState, r.id)) {
    r.log('warn', `${r.id} attempted to restore snapshot but it is not in the ConfState; should never happen`);
    return false;
  }
  if (r.raftLog.matchTerm(index, term)) {
    r.log('info', `${r.id} [commit: ${r.raftLog.committed}, lastindex: ${r.raftLog.lastIndex()}, lastterm: ${r.raftLog.lastTerm()}] fast-forwarded commit to snapshot [index: ${index}, term: ${term}]`);
    r.raftLog.commitTo(index);
    return false;
  }
  r.raftLog.restore(s);
  const restored = restoreConfig(confState, r.raftLog.lastIndex(), r.trk.maxInflight, r.trk.maxInflightBytes);
  if (!restored.ok) throw invariant(`unable to restore config from snapshot: ${restored.error.message}`);
  switchToConfig(r, restored.config, restored.progress);
  const pr = r.trk.progress.get(r.id);
  pr?.maybeUpdate(pr.next - 1);
  return true;
}
