// Candidates and pre-candidates: count votes, step down on evidence of a leader in the current term.
// A pre-candidate that wins its pre-vote starts the real election (term + 1).
import { proposalDropped } from './errors.ts';
import type { RaftError } from './errors.ts';
import { handleAppendEntries, handleHeartbeat, handleSnapshot } from './raft-follower.ts';
import type { Raft } from './raft.ts';
import { campaign, poll } from './raft-election.ts';
import { NONE } from './types.ts';
import type { Message } from './types.ts';

export function stepCandidate(r: Raft, m: Message): RaftError | null {
  const myVoteResp = r.role === 'pre-candidate' ? 'pre-vote-resp' : 'vote-resp';
  switch (m.type) {
    case 'prop':
      r.log('info', `${r.id} no leader at term ${r.term}; dropping proposal`);
      return proposalDropped('no leader');
    case 'app':
      r.becomeFollower(m.term, m.from); // always m.term === r.term here
      handleAppendEntries(r, m);
      return null;
    case 'heartbeat':
      r.becomeFollower(m.term, m.from);
      handleHeartbeat(r, m);
      return null;
    case 'snap':
      r.becomeFollower(m.term, m.from);
      handleSnapshot(r, m);
      return null;
    case 'pre-vote-resp':
    case 'vote-resp': {
      // Stale responses of the other kind (a vote response while pre-campaigning) are ignored.
      if (m.type !== myVoteResp) return null;
      const { granted, rejected, result } = poll(r, m.from, m.type, !m.reject);
      r.log('info', `${r.id} has received ${granted} ${m.type === 'pre-vote-resp' ? 'MsgPreVoteResp' : 'MsgVoteResp'} votes and ${rejected} vote rejections`);
      switch (result) {
        case 'won':
          if (r.role === 'pre-candidate') {
            campaign(r, 'election');
          } else {
            r.becomeLeader();
            r.bcastAppend();
          }
          return null;
        case 'lost':
          // A pre-candidate may have been rejected at a higher term; step() already handled that case.
          r.becomeFollower(r.term, NONE);
          return null;
        case 'pending':
          return null;
      }
      return null;
    }
    case 'timeout-now':
      r.log('debug', `${r.id} [term ${r.term} state ${r.role}] ignored MsgTimeoutNow from ${m.from}`);
      return null;
    default:
      return null;
  }
}
