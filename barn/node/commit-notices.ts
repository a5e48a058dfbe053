// A leader tells its followers that its commit index moved with an append that carries no entries (Raft
// broadcasts one to every follower whenever the commit index moves). With one write at a time that is, per
// write, one more message to each follower and one more ack back, each a wake-up and a loop pass on both ends;
// and the next write's append carries the commit index anyway. So a notice to a follower that nobody waits on
// is held: dropped when another append to that follower leaves first (it carries a commit index at least as
// high), sent at the next tick otherwise (20 ms at most; the heartbeats carry it too).
//
// Who waits on a follower's commit index: the callers of the writes and linearizable reads it forwarded (they
// are answered when it applies). A follower that forwarded a proposal or a read-index request in the last
// EAGER_TICKS ticks gets its notices at once. A read on a follower learns the commit index from the leader's
// heartbeats that confirm the read, so nothing held is needed for it; a watch or a stale read on a follower sees
// a write up to one tick later when no other write follows it.
//
// Only an append with no entries to a follower the leader replicates to (Progress 'replicate') is a notice: in
// the probe state the same message is a probe the follower must answer before anything else is sent.
// Pure: no timers or clock; the node calls tick() from its own.
import type { Message, NodeId } from '../raft/types.ts';

/** Ticks (20 ms each by default) a follower keeps getting its notices at once after it forwarded a request. */
export const EAGER_TICKS = 10;

export class CommitNotices {
  private readonly held = new Map<NodeId, Message>();
  private readonly eager = new Map<NodeId, number>();

  /** The messages of a leader's Ready to send now, in order; notices to followers nobody waits on are held
   * (a later notice to the same follower replaces the one held). `replicating(peer)`: the leader's Progress of
   * `peer` is in the replicate state. Returns `messages` itself when nothing is held. */
  route(messages: readonly Message[], replicating: (peer: NodeId) => boolean): readonly Message[] {
    let out: Message[] | undefined;
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i]!;
      const hold = m.type === 'app' && m.entries.length === 0 && !this.eager.has(m.to) && replicating(m.to);
      if (m.type === 'app') this.held.delete(m.to); // superseded: this one carries the commit index too
      if (hold) {
        this.held.set(m.to, m);
        out ??= messages.slice(0, i);
      } else if (out !== undefined) {
        out.push(m);
      }
    }
    return out ?? messages;
  }

  /** A message from a peer: a forwarded proposal or read-index request makes it wait on commits. */
  received(m: Message): void {
    if (m.type === 'prop' || m.type === 'read-index') this.eager.set(m.from, EAGER_TICKS);
  }

  /** At every tick: the notices held since the last one, to send now (none when this node no longer leads:
   * they would be stale). Eagerness wears off. */
  tick(isLeader: boolean): Message[] {
    for (const [peer, left] of this.eager) {
      if (left <= 1) this.eager.delete(peer);
      else this.eager.set(peer, left - 1);
    }
    if (this.held.size === 0) return [];
    const out = isLeader ? [...this.held.values()] : [];
    this.held.clear();
    return out;
  }
}
