// Elections: starting one (pre-vote or real), counting votes, and answering vote requests. A vote is
// granted at most once per term (the vote is part of the HardState, persisted before the response is sent)
// and only to a candidate whose log is at least as up to date (Raft §5.2, §5.4.1). Pre-votes (§9.6) ask
// "would you vote for me in term + 1" without changing anyone's term.
import { msgName } from './describe.ts';
import { invariant } from './errors.ts';
import type { Raft } from './raft.ts';
import type { ProgressTracker } from './tracker.ts';
import { NONE } from './types.ts';
import type { Message, MessageType, NodeId } from './types.ts';

/** Context marking a vote request caused by leader transfer: it bypasses the leader lease. */
export const CAMPAIGN_TRANSFER = 'CampaignTransfer';

export type CampaignType = 'pre-election' | 'election' | 'transfer';

export function hup(r: Raft, type: CampaignType): void {
  if (r.role === 'leader') {
    r.log('debug', `${r.id} ignoring MsgHup because already leader`);
    return;
  }
  if (!r.promotable()) {
    r.log('warn', `${r.id} is unpromotable and can not campaign`);
    return;
  }
  if (hasUnappliedConfChanges(r)) {
    r.log('warn', `${r.id} cannot campaign at term ${r.term} since there are still pending configuration changes to apply`);
    return;
  }
  r.log('info', `${r.id} is starting a new election at term ${r.term}`);
  campaign(r, type);
}

function hasUnappliedConfChanges(r: Raft): boolean {
  if (r.raftLog.applied >= r.raftLog.committed) return false;
  const ents = r.raftLog.slice(r.raftLog.applied + 1, r.raftLog.committed + 1, Number.MAX_SAFE_INTEGER) ?? [];
  return ents.some((e) => e.type === 'conf-change');
}

export function campaign(r: Raft, type: CampaignType): void {
  if (!r.promotable()) {
    r.log('warn', `${r.id} is unpromotable; campaign() should not have been called`);
    return;
  }
  let voteMsg: MessageType;
  let term: number;
  if (type === 'pre-election') {
    r.becomePreCandidate();
    voteMsg = 'pre-vote';
    term = r.term + 1;
  } else {
    r.becomeCandidate();
    voteMsg = 'vote';
    term = r.term;
  }
  if (poll(r, r.id, voteResponseType(voteMsg), true).result === 'won') {
    // A single-voter configuration wins immediately.
    if (type === 'pre-election') campaign(r, 'election');
    else r.becomeLeader();
    return;
  }
  const lastIndex = r.raftLog.lastIndex();
  const lastTerm = r.raftLog.lastTerm();
  for (const id of r.trk.voterIds()) {
    if (id === r.id) continue;
    r.log('info', `${r.id} [logterm: ${lastTerm}, index: ${lastIndex}] sent ${msgName(voteMsg)} request to ${id} at term ${r.term}`);
    r.send({ type: voteMsg, to: id, term, index: lastIndex, logTerm: lastTerm, context: type === 'transfer' ? CAMPAIGN_TRANSFER : '' });
  }
}

export function poll(r: Raft, id: NodeId, type: MessageType, granted: boolean): ReturnType<ProgressTracker['tallyVotes']> {
  r.log('info', `${r.id} received ${msgName(type)}${granted ? '' : ' rejection'} from ${id} at term ${r.term}`);
  r.trk.recordVote(id, granted);
  return r.trk.tallyVotes();
}

export function handleVoteRequest(r: Raft, m: Message): void {
  // We can vote if this is a repeat of a vote we cast, or we have not voted and know no leader in this
  // term, or it is a pre-vote for a future term.
  const canVote = r.vote === m.from || (r.vote === NONE && r.lead === NONE) || (m.type === 'pre-vote' && m.term > r.term);
  const li = r.raftLog.lastIndex();
  const lt = r.raftLog.lastTerm();
  const respType = voteResponseType(m.type);
  if (canVote && r.raftLog.isUpToDate(m.index, m.logTerm)) {
    r.log('info', `${r.id} [logterm: ${lt}, index: ${li}, vote: ${r.vote || 0}] cast ${msgName(m.type)} for ${m.from} [logterm: ${m.logTerm}, index: ${m.index}] at term ${r.term}`);
    // The response carries the request's term: a pre-candidate must recognise it as current.
    r.send({ type: respType, to: m.from, term: m.term });
    if (m.type === 'vote') {
      r.electionElapsed = 0;
      r.vote = m.from;
    }
  } else {
    r.log('info', `${r.id} [logterm: ${lt}, index: ${li}, vote: ${r.vote || 0}] rejected ${msgName(m.type)} from ${m.from} [logterm: ${m.logTerm}, index: ${m.index}] at term ${r.term}`);
    r.send({ type: respType, to: m.from, term: r.term, reject: true });
  }
}

export function voteResponseType(t: MessageType): MessageType {
  switch (t) {
    case 'vote':
    case 'vote-resp':
      return 'vote-resp';
    case 'pre-vote':
    case 'pre-vote-resp':
      return 'pre-vote-resp';
    default:
      throw invariant(`not a vote message: ${t}`);
  }
}
