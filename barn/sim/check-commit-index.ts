// Commit index monotonicity per node. Two views:
//   durable  — the commit index in the persisted HardState never decreases over the node's whole lifetime,
//              restarts included (a restart resumes from it);
//   volatile — the in-memory commit index never decreases within one incarnation. After a restart it may be
//              lower than before the crash (unpersisted progress is re-learned), never lower than durable.
import { violated } from './violation.ts';
import type { NodeId } from '../raft/types.ts';

export class CommitIndexMonitor {
  private readonly durable = new Map<NodeId, number>();
  private readonly volatile = new Map<NodeId, { incarnation: number; commit: number }>();

  /** A HardState with `commit` was persisted by `node`. */
  recordDurable(node: NodeId, commit: number): void {
    const before = this.durable.get(node) ?? 0;
    if (commit < before) violated('commit-monotonic', `node ${node} persisted commit ${commit} after having persisted ${before}`);
    this.durable.set(node, commit);
  }

  /** The in-memory commit index of `node` in `incarnation` (restarts count up) is `commit`. */
  recordVolatile(node: NodeId, incarnation: number, commit: number): void {
    const seen = this.volatile.get(node);
    const floor = this.durable.get(node) ?? 0;
    if (commit < floor) violated('commit-monotonic', `node ${node} has commit ${commit} in memory, below its persisted commit ${floor}`);
    if (seen !== undefined && seen.incarnation === incarnation && commit < seen.commit) {
      violated('commit-monotonic', `node ${node} commit went back from ${seen.commit} to ${commit} (incarnation ${incarnation})`);
    }
    this.volatile.set(node, { incarnation, commit });
  }
}
