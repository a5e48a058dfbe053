// ReadOnly: the leader's pending read-index requests (safe mode, Raft §6.4). A request records the commit
// index when it arrived; it completes once a quorum acknowledges a heartbeat carrying its context, which
// proves the leader was still the leader at that point. Requests complete in arrival order: an ack for a
// later request also completes every earlier one.
import type { Message, NodeId } from './types.ts';

export interface ReadIndexStatus {
  readonly request: Message;
  readonly index: number;
  readonly acks: Set<NodeId>;
}

export class ReadOnly {
  private pending = new Map<string, ReadIndexStatus>();
  private queue: string[] = [];

  /** Registers a request at commit index `index`. A duplicate context is ignored. */
  addRequest(index: number, request: Message): void {
    const ctx = request.context;
    if (this.pending.has(ctx)) return;
    this.pending.set(ctx, { request, index, acks: new Set() });
    this.queue.push(ctx);
  }

  /** Records a heartbeat ack for `ctx`; returns the acks so far, undefined for an unknown context. */
  recvAck(from: NodeId, ctx: string): ReadonlySet<NodeId> | undefined {
    const rs = this.pending.get(ctx);
    if (rs === undefined) return undefined;
    rs.acks.add(from);
    return rs.acks;
  }

  /** Completes `ctx` and every request queued before it; returns them in order. */
  advance(ctx: string): ReadIndexStatus[] {
    const at = this.queue.indexOf(ctx);
    if (at < 0) return [];
    const done = this.queue.slice(0, at + 1).map((c) => this.pending.get(c) as ReadIndexStatus);
    for (const c of this.queue.slice(0, at + 1)) this.pending.delete(c);
    this.queue = this.queue.slice(at + 1);
    return done;
  }

  /** Context of the newest pending request: heartbeats carry it so that their acks confirm every request. */
  lastPendingRequestCtx(): string {
    return this.queue[this.queue.length - 1] ?? '';
  }

  pendingCount(): number {
    return this.queue.length;
  }
}
