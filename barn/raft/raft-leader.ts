// The leader's half of the protocol: heartbeats, check-quorum, proposals, replication (probe / replicate /
// snapshot per follower, with flow control), the commit rule, read-index confirmation and leader transfer.
import { decodeConfChange, describeConfChange } from './conf-change-codec.ts';
import { invariant, proposalDropped } from './errors.ts';
import type { RaftError } from './errors.ts';
import { entriesSize } from './limit-size.ts';
import { jointVoteResult } from './quorum.ts';
import { refuseConfChange } from './raft-conf.ts';
import { SnapshotTemporarilyUnavailableError } from './storage.ts';
import { describeConfig } from './tracker.ts';
import type { Raft } from './raft.ts';
import { NONE } from './types.ts';
import type { Entry, Message, NodeId, Snapshot } from './types.ts';

export function stepLeader(r: Raft, m: Message): RaftError | null {
  // Messages that do not need the sender's progress.
  switch (m.type) {
    case 'beat':
      bcastHeartbeat(r, r.readOnly.lastPendingRequestCtx());
      return null;
    case 'check-quorum':
      if (!r.trk.quorumActive(r.id)) {
        r.log('warn', `${r.id} stepped down to follower since quorum is not active`);
        r.becomeFollower(r.term, NONE);
      }
      // Every follower must prove itself active again within the next election timeout.
      r.trk.visit((id, pr) => {
        if (id !== r.id) pr.recentActive = false;
      });
      return null;
    case 'prop':
      return propose(r, m);
    case 'read-index':
      readIndex(r, m);
      return null;
    default:
      break;
  }

  const pr = r.trk.progress.get(m.from);
  if (pr === undefined) {
    r.log('debug', `${r.id} no progress available for ${m.from}`);
    return null;
  }
  switch (m.type) {
    case 'app-resp':
      handleAppendResponse(r, m);
      return null;
    case 'heartbeat-resp':
      handleHeartbeatResponse(r, m);
      return null;
    case 'snap-status':
      if (pr.state !== 'snapshot') return null;
      // A failed snapshot is not assumed to be on the follower.
      if (m.reject) pr.pendingSnapshot = 0;
      pr.becomeProbe();
      // Wait for the follower's answer (success) or a heartbeat interval (failure) before probing again.
      pr.msgAppFlowPaused = true;
      r.log('debug', `${r.id} snapshot ${m.reject ? 'failed' : 'succeeded'}, resumed sending replication messages to ${m.from} [${pr.describe()}]`);
      return null;
    case 'unreachable':
      // Optimistic streaming to an unreachable peer would only lose messages: fall back to probing.
      if (pr.state === 'replicate') pr.becomeProbe();
      r.log('debug', `${r.id} failed to send message to ${m.from} because it is unreachable [${pr.describe()}]`);
      return null;
    case 'transfer-leader':
      transferLeader(r, m.from);
      return null;
    default:
      return null;
  }
}

function propose(r: Raft, m: Message): RaftError | null {
  if (m.entries.length === 0) throw invariant(`${r.id} stepped empty MsgProp`);
  if (!r.trk.progress.has(r.id)) {
    // Removed from the configuration but still leading until it steps down: accept nothing new.
    return proposalDropped('leader is not a member of the configuration');
  }
  if (r.leadTransferee !== NONE) {
    r.log('debug', `${r.id} [term ${r.term}] transfer leadership to ${r.leadTransferee} is in progress; dropping proposal`);
    return proposalDropped('leadership transfer in progress');
  }
  const entries: Entry[] = m.entries.map((e, i) => {
    if (e.type !== 'conf-change') return e;
    const cc = decodeConfChange(e.data);
    const refused = refuseConfChange(r, cc);
    if (refused !== '') {
      r.log('info', `${r.id} ignoring conf change ${describeConfChange(cc) || '(leave joint)'} at config ${describeConfig(r.trk.config)}: ${refused}`);
      // Keep the slot (the proposer may wait for this index) but make it a no-op.
      return { ...e, type: 'normal', data: new Uint8Array(0) };
    }
    r.pendingConfIndex = r.raftLog.lastIndex() + i + 1;
    return e;
  });
  r.appendEntry(entries);
  bcastAppend(r);
  return null;
}

function handleAppendResponse(r: Raft, m: Message): void {
  const pr = r.trk.progress.get(m.from);
  if (pr === undefined) return;
  pr.recentActive = true;
  if (m.reject) {
    r.log('debug', `${r.id} received MsgAppResp(rejected, hint: (index ${m.rejectHint}, term ${m.logTerm})) from ${m.from} for index ${m.index}`);
    // Fast backtracking: the follower's hint is its last index ≤ the probe with a term ≤ the probe's term;
    // skip to the last entry of ours that could match it.
    let nextProbeIdx = m.rejectHint;
    if (m.logTerm > 0) nextProbeIdx = r.raftLog.findConflictByTerm(m.rejectHint, m.logTerm).index;
    if (pr.maybeDecrTo(m.index, nextProbeIdx)) {
      r.log('debug', `${r.id} decreased progress of ${m.from} to [${pr.describe()}]`);
      if (pr.state === 'replicate') pr.becomeProbe();
      sendAppend(r, m.from);
    }
    return;
  }
  const oldPaused = pr.isPaused();
  if (!(pr.maybeUpdate(m.index) || (pr.match === m.index && pr.state === 'probe'))) return;
  switch (pr.state) {
    case 'probe':
      pr.becomeReplicate();
      break;
    case 'snapshot':
      // The follower caught up past the point the log still has: replicate from there.
      if (pr.match + 1 >= r.raftLog.firstIndex()) {
        r.log('debug', `${r.id} recovered from needing snapshot, resumed sending replication messages to ${m.from} [${pr.describe()}]`);
        pr.becomeProbe();
        pr.becomeReplicate();
      }
      break;
    case 'replicate':
      pr.inflights.freeLE(m.index);
      break;
  }
  if (r.maybeCommit()) {
    releasePendingReadIndexMessages(r);
    bcastAppend(r);
  } else if (oldPaused) {
    // The follower was paused (flow control or probe): it can take more now.
    sendAppend(r, m.from);
  }
  // Keep streaming while the window allows.
  while (maybeSendAppend(r, m.from, false)) {
    // loop
  }
  if (m.from === r.leadTransferee && pr.match === r.raftLog.lastIndex()) {
    r.log('info', `${r.id} sent MsgTimeoutNow to ${m.from} after received MsgAppResp`);
    sendTimeoutNow(r, m.from);
  }
}

function handleHeartbeatResponse(r: Raft, m: Message): void {
  const pr = r.trk.progress.get(m.from);
  if (pr === undefined) return;
  pr.recentActive = true;
  // The follower is alive: allow one more append even if the window is full (acks or appends may have
  // been lost; if the append does not fit the follower's log, its rejection sends us back to probing).
  pr.msgAppFlowPaused = false;
  if (pr.match < r.raftLog.lastIndex()) sendAppend(r, m.from);
  if (m.context === '') return;
  const acks = r.readOnly.recvAck(m.from, m.context);
  if (acks === undefined) return;
  const votes = new Map<NodeId, boolean>([...acks].map((id) => [id, true]));
  if (jointVoteResult(r.trk.jointConfig(), votes) !== 'won') return;
  for (const rs of r.readOnly.advance(m.context)) respondToReadIndex(r, rs.request, rs.index);
}

function transferLeader(r: Raft, transferee: NodeId): void {
  const pr = r.trk.progress.get(transferee);
  if (pr === undefined) return;
  if (pr.isLearner) {
    r.log('debug', `${r.id} is learner. Ignored transferring leadership`);
    return;
  }
  if (r.leadTransferee !== NONE) {
    if (r.leadTransferee === transferee) {
      r.log('info', `${r.id} [term ${r.term}] transfer leadership to ${transferee} is in progress, ignores request to same node ${transferee}`);
      return;
    }
    r.log('info', `${r.id} [term ${r.term}] abort previous transferring leadership to ${r.leadTransferee}`);
    r.abortLeaderTransfer();
  }
  if (transferee === r.id) {
    r.log('debug', `${r.id} is already leader. Ignored transferring leadership to self`);
    return;
  }
  r.log('info', `${r.id} [term ${r.term}] starts to transfer leadership to ${transferee}`);
  // The transfer must finish within one election timeout, measured from now.
  r.electionElapsed = 0;
  r.leadTransferee = transferee;
  if (pr.match === r.raftLog.lastIndex()) {
    r.log('info', `${r.id} sends MsgTimeoutNow to ${transferee} immediately as ${transferee} already has up-to-date log`);
    sendTimeoutNow(r, transferee);
  } else {
    sendAppend(r, transferee);
  }
}

function sendTimeoutNow(r: Raft, to: NodeId): void {
  r.send({ type: 'timeout-now', to });
}

// ---- read index -------------------------------------------------------------------------------------

function readIndex(r: Raft, m: Message): void {
  if (r.trk.isSingleton()) {
    respondToReadIndex(r, m, r.raftLog.committed);
    return;
  }
  // Until the leader commits an entry of its own term, its commit index may be behind the true one.
  if (!committedEntryInCurrentTerm(r)) {
    r.pendingReadIndexMessages.push(m);
    return;
  }
  startReadIndex(r, m);
}

function startReadIndex(r: Raft, m: Message): void {
  r.readOnly.addRequest(r.raftLog.committed, m);
  r.readOnly.recvAck(r.id, m.context);
  bcastHeartbeat(r, m.context);
}

function committedEntryInCurrentTerm(r: Raft): boolean {
  return r.raftLog.term(r.raftLog.committed) === r.term;
}

function releasePendingReadIndexMessages(r: Raft): void {
  if (r.pendingReadIndexMessages.length === 0 || !committedEntryInCurrentTerm(r)) return;
  const queued = r.pendingReadIndexMessages;
  r.pendingReadIndexMessages = [];
  for (const m of queued) startReadIndex(r, m);
}

/** A local request becomes a ReadState; a follower's request is answered with MsgReadIndexResp. */
function respondToReadIndex(r: Raft, req: Message, index: number): void {
  if (req.from === NONE || req.from === r.id) {
    r.readStates.push({ index, requestCtx: req.context });
    return;
  }
  r.send({ type: 'read-index-resp', to: req.from, index, context: req.context });
}

// ---- replication ------------------------------------------------------------------------------------

export function sendAppend(r: Raft, to: NodeId): void {
  maybeSendAppend(r, to, true);
}

/** Sends the next batch of entries to `to` (or a snapshot when they are compacted away). With
 * sendIfEmpty = false nothing is sent when there are no new entries. Returns whether a message was sent. */
export function maybeSendAppend(r: Raft, to: NodeId, sendIfEmpty: boolean): boolean {
  const pr = r.trk.progress.get(to);
  if (pr === undefined || pr.isPaused()) return false;
  const prevIndex = pr.next - 1;
  const prevTerm = r.raftLog.term(prevIndex);
  const ents = r.raftLog.entries(pr.next, r.maxMsgSize);
  if (ents !== undefined && ents.length === 0 && !sendIfEmpty) return false;
  if (prevTerm === undefined || ents === undefined) return sendSnapshot(r, to);
  const bytes = entriesSize(ents);
  r.send({ type: 'app', to, index: prevIndex, logTerm: prevTerm, entries: ents, commit: r.raftLog.committed });
  const last = ents[ents.length - 1];
  pr.sentEntries(ents.length, bytes, last === undefined ? prevIndex : last.index);
  return true;
}

function sendSnapshot(r: Raft, to: NodeId): boolean {
  const pr = r.trk.progress.get(to);
  if (pr === undefined) return false;
  if (!pr.recentActive) {
    r.log('debug', `${r.id} ignore sending snapshot to ${to} since it is not recently active`);
    return false;
  }
  let snapshot: Snapshot;
  try {
    snapshot = r.raftLog.snapshot();
  } catch (err) {
    if (!(err instanceof SnapshotTemporarilyUnavailableError)) throw err;
    // Nothing sent and the progress unchanged: the next heartbeat response (or append response) asks again.
    r.log('debug', `${r.id} failed to send snapshot to ${to} because snapshot is temporarily unavailable`);
    return false;
  }
  if (snapshot.metadata.index === 0) throw invariant('need non-empty snapshot');
  r.log('debug', `${r.id} [firstindex: ${r.raftLog.firstIndex()}, commit: ${r.raftLog.committed}] sent snapshot[index: ${snapshot.metadata.index}, term: ${snapshot.metadata.term}] to ${to} [${pr.describe()}]`);
  pr.becomeSnapshot(snapshot.metadata.index);
  r.log('debug', `${r.id} paused sending replication messages to ${to} [${pr.describe()}]`);
  r.send({ type: 'snap', to, snapshot });
  return true;
}

export function bcastAppend(r: Raft): void {
  r.trk.visit((id) => {
    if (id !== r.id) sendAppend(r, id);
  });
}

/** Heartbeats carry commit = min(match, committed): a follower never learns a commit index beyond what it
 * is known to hold. `ctx` confirms pending read-index requests. */
export function bcastHeartbeat(r: Raft, ctx: string): void {
  r.trk.visit((id, pr) => {
    if (id === r.id) return;
    r.send({ type: 'heartbeat', to: id, commit: Math.min(pr.match, r.raftLog.committed), context: ctx });
  });
}

