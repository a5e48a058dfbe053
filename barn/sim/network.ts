// The simulated network: messages in send order, each with a unique sequence number so scheduler actions
// can name one. Faults act on single messages (drop, duplicate, delay = move to the back of the queue);
// partitions cut links and are applied at delivery time (a message crossing a cut is lost).
import type { Message, NodeId } from '../raft/types.ts';
import type { InFlight } from './types.ts';

export class Network {
  private queue: InFlight[] = [];
  private nextSeq = 1;
  /** node → partition group; empty map = fully connected. */
  private groups = new Map<NodeId, number>();

  send(sender: NodeId, incarnation: number, msg: Message): void {
    this.queue.push({ seq: this.nextSeq++, sender, incarnation, msg });
  }

  get length(): number {
    return this.queue.length;
  }

  at(i: number): InFlight | undefined {
    return this.queue[i];
  }

  /** Removes the message with `seq`; returns whether it was queued. */
  take(seq: number): boolean {
    const i = this.queue.findIndex((f) => f.seq === seq);
    if (i < 0) return false;
    this.queue.splice(i, 1);
    return true;
  }

  /** Queues a second copy of `f` at the back (a retransmission the receiver may see twice). */
  duplicate(f: InFlight): void {
    this.queue.push({ ...f, seq: this.nextSeq++ });
  }

  /** Moves `f` to the back of the queue: everything sent before it is now ahead of it. */
  delay(f: InFlight): void {
    if (this.take(f.seq)) this.queue.push(f);
  }

  /** Splits the nodes into groups that only reach their own group. */
  partition(groups: readonly (readonly NodeId[])[]): void {
    this.groups = new Map();
    groups.forEach((g, i) => g.forEach((id) => this.groups.set(id, i)));
  }

  heal(): void {
    this.groups = new Map();
  }

  isPartitioned(): boolean {
    return this.groups.size > 0;
  }

  /** Nodes in no group (started after the partition) form one more group. */
  cut(a: NodeId, b: NodeId): boolean {
    return (this.groups.get(a) ?? -1) !== (this.groups.get(b) ?? -1);
  }
}
