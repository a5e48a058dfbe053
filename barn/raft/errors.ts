// The Raft core's error catalogue. Expected refusals (a dropped proposal, a message from an unknown peer, an
// invalid configuration change) are returned as RaftError data; broken invariants (a caller or storage that
// violates the contract) are thrown as RuninkError with code RAFT_INVARIANT, because continuing would risk
// safety.
import { RuninkError } from '../../common/error.ts';

export type RaftErrorCode =
  | 'RAFT_PROPOSAL_DROPPED'
  | 'RAFT_STEP_LOCAL_MSG'
  | 'RAFT_STEP_PEER_NOT_FOUND'
  | 'RAFT_CONF_ALREADY_JOINT'
  | 'RAFT_CONF_NOT_JOINT'
  | 'RAFT_CONF_ZERO_VOTERS'
  | 'RAFT_CONF_TOO_MANY_VOTER_CHANGES'
  | 'RAFT_CONF_INVALID';

export interface RaftError {
  readonly code: RaftErrorCode;
  readonly message: string;
}

export function raftError(code: RaftErrorCode, message: string): RaftError {
  return { code, message };
}

export function proposalDropped(reason: string): RaftError {
  return raftError('RAFT_PROPOSAL_DROPPED', `raft proposal dropped: ${reason}`);
}

/** A violated invariant: the caller, the storage or the core itself broke a contract. Never expected. */
export function invariant(message: string, data: Record<string, unknown> = {}): RuninkError {
  return new RuninkError('RAFT_INVARIANT', message, data);
}
