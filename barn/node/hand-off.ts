// Moving leadership away from a voter about to be removed (BarnNode.removeMember): a leader that removes itself
// from a two-voter configuration could otherwise leave the survivor unable to win an election.
import { RuninkError } from '../../common/error.ts';
import type { NodeId } from '../raft/types.ts';
import type { MemberInfo } from './service.ts';

export interface HandOffHost {
  readonly id: NodeId;
  /** The leader as this node knows it ('' while there is none). */
  leader(): NodeId;
  /** Asks the Raft core (on the leader) to transfer leadership, and runs the loop. */
  transferTo(to: NodeId): void;
}

/** Resolves once a node other than `from` leads; BARN_BAD_REQUEST when no other voter exists, BARN_TIMEOUT after
 * `timeoutMs`. Only the leader itself starts the transfer; elsewhere this waits for it. */
export async function handOffLeadership(host: HandOffHost, from: NodeId, members: readonly MemberInfo[], timeoutMs: number): Promise<void> {
  const to = members.find((m) => m.role === 'voter' && m.id !== from)?.id;
  if (to === undefined) throw new RuninkError('BARN_BAD_REQUEST', `cannot remove ${from}: it is the only voter`, { id: from });
  if (from === host.id) host.transferTo(to);
  const deadline = Date.now() + timeoutMs;
  while (host.leader() === from || host.leader() === '') {
    if (Date.now() > deadline) throw new RuninkError('BARN_TIMEOUT', `leadership did not move away from ${from} in time; retry`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
