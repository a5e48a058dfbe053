// Readable one-line forms of the protocol's data, for logs and the interaction harness's golden output:
//   1->2 MsgApp Term:1 Log:1/3 Commit:3 Entries:[1/4 EntryNormal "data"]
// Payloads are shown as text (JSON-quoted); conf changes in their compact form (`v2 l3 r4`).
import { decodeConfChange, describeConfChange } from './conf-change-codec.ts';
import type { ConfState, Entry, HardState, Message, MessageType, Snapshot, SoftState } from './types.ts';

const MSG_NAMES: Readonly<Record<MessageType, string>> = {
  hup: 'MsgHup',
  beat: 'MsgBeat',
  prop: 'MsgProp',
  app: 'MsgApp',
  'app-resp': 'MsgAppResp',
  vote: 'MsgVote',
  'vote-resp': 'MsgVoteResp',
  'pre-vote': 'MsgPreVote',
  'pre-vote-resp': 'MsgPreVoteResp',
  snap: 'MsgSnap',
  heartbeat: 'MsgHeartbeat',
  'heartbeat-resp': 'MsgHeartbeatResp',
  unreachable: 'MsgUnreachable',
  'snap-status': 'MsgSnapStatus',
  'check-quorum': 'MsgCheckQuorum',
  'transfer-leader': 'MsgTransferLeader',
  'timeout-now': 'MsgTimeoutNow',
  'read-index': 'MsgReadIndex',
  'read-index-resp': 'MsgReadIndexResp',
};

const decoder = new TextDecoder();

export function msgName(t: MessageType): string {
  return MSG_NAMES[t];
}

export function describeEntry(e: Entry): string {
  switch (e.type) {
    case 'normal':
      return `${e.term}/${e.index} EntryNormal ${JSON.stringify(decoder.decode(e.data))}`;
    case 'conf-change': {
      const text = describeConfChange(decodeConfChange(e.data));
      return `${e.term}/${e.index} EntryConfChange${text === '' ? '' : ` ${text}`}`;
    }
  }
}

export function describeEntries(ents: readonly Entry[]): string {
  return ents.map(describeEntry).join(', ');
}

export function describeMessage(m: Message): string {
  let s = `${m.from || 0}->${m.to || 0} ${msgName(m.type)} Term:${m.term} Log:${m.logTerm}/${m.index}`;
  if (m.reject) s += ` Rejected (Hint: ${m.rejectHint})`;
  if (m.commit !== 0) s += ` Commit:${m.commit}`;
  if (m.entries.length > 0) s += ` Entries:[${describeEntries(m.entries)}]`;
  if (m.context !== '') s += ` Context:${m.context}`;
  if (m.snapshot !== undefined) s += ` Snapshot: ${describeSnapshot(m.snapshot)}`;
  return s;
}

export function describeSnapshot(s: Snapshot): string {
  return `Index:${s.metadata.index} Term:${s.metadata.term} ConfState:${describeConfState(s.metadata.confState)}`;
}

export function describeConfState(cs: ConfState): string {
  const ids = (xs: readonly string[]): string => `[${xs.join(' ')}]`;
  return `Voters:${ids(cs.voters)} VotersOutgoing:${ids(cs.votersOutgoing)} Learners:${ids(cs.learners)} LearnersNext:${ids(cs.learnersNext)} AutoLeave:${cs.autoLeave}`;
}

export function describeHardState(hs: HardState): string {
  return `Term:${hs.term} Vote:${hs.vote || 0} Commit:${hs.commit}`;
}

export function roleName(role: SoftState['role']): string {
  switch (role) {
    case 'follower':
      return 'StateFollower';
    case 'candidate':
      return 'StateCandidate';
    case 'pre-candidate':
      return 'StatePreCandidate';
    case 'leader':
      return 'StateLeader';
  }
}

export function describeSoftState(ss: SoftState): string {
  return `Lead:${ss.lead || 0} State:${roleName(ss.role)}`;
}
