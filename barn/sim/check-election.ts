// Election safety (Raft §5.2): at most one leader per term, over the whole history of the run — crashes and
// restarts included. Every observation of a node in the leader role is recorded with its term.
import { violated } from './violation.ts';
import type { NodeId } from '../raft/types.ts';

export class ElectionRecord {
  /** term → the one node that led it. */
  private readonly leaders = new Map<number, NodeId>();

  /** Records that `id` is leader at `term`; throws election-safety if another node led that term. */
  observeLeader(term: number, id: NodeId): void {
    const known = this.leaders.get(term);
    if (known === undefined) {
      this.leaders.set(term, id);
      return;
    }
    if (known !== id) violated('election-safety', `two leaders in term ${term}: ${known} and ${id}`);
  }

  /** How many terms had a leader. */
  count(): number {
    return this.leaders.size;
  }
}
