// When may a leader's appends leave before the Ready's own write (Raft thesis §10.2.1)? Pure.
//
// Contract: only when they claim nothing that is not durable yet — no new term or vote in the Ready (every
// message carries the term), and a commit index within the log already on disk. With several voters, acks may
// be stepped while this node's write is in flight (the node flushes off the event loop), and the leader counts
// its own entries at once, so its in-memory commit can run ahead of its disk; but that commit reaches only the
// next Ready, which the node takes after the write completed, when those entries are durable here and on the
// acking follower. A single voter commits an entry the moment it appends it, so its appends to learners would
// announce a commit that a crash before the write could undo (the learner would then hold a committed entry
// the restarted leader overwrites).
import type { HardState, Message } from '../raft/types.ts';

export function leaderMaySendEarly(next: HardState | undefined, persisted: HardState, durableLastIndex: number): boolean {
  if (next === undefined) return true;
  return next.term === persisted.term && next.vote === persisted.vote && next.commit <= durableLastIndex;
}

/** Messages that promise nothing about this node's durable state may leave before the Ready's write: a
 * leader's appends, heartbeats, snapshots and timeout-now (Raft thesis §10.2.1: the leader writes its log in
 * parallel with replicating it; a commit that counts its own entries is announced only in a later Ready, after
 * the write), and proposals forwarded to the leader. Everything else —
 * votes, append/heartbeat responses (they acknowledge entries, terms and votes) and messages of a non-leader —
 * leaves only after the write. */
export function splitMessages(messages: readonly Message[], isLeader: boolean): { early: Message[]; late: Message[] } {
  const early: Message[] = [];
  const late: Message[] = [];
  for (const m of messages) (sendsEarly(m, isLeader) ? early : late).push(m);
  return { early, late };
}

function sendsEarly(m: Message, isLeader: boolean): boolean {
  switch (m.type) {
    case 'app':
    case 'heartbeat':
    case 'snap':
    case 'timeout-now':
      return isLeader;
    case 'prop':
      return true;
    default:
      return false;
  }
}
