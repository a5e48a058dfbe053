// When may a leader's appends leave before the Ready's own write (Raft thesis §10.2.1)? Pure.
//
// Contract: only when they claim nothing that is not durable yet — no new term or vote in the Ready (every
// message carries the term), and a commit index within the log already on disk. Several voters can only advance
// the commit after acks that are stepped once this node's synchronous write has returned, so their commit is
// always on disk; a single voter commits an entry the moment it appends it, so its appends to learners would
// announce a commit that a crash before the write could undo (the learner would then hold a committed entry
// the restarted leader overwrites).
import type { HardState } from '../raft/types.ts';

export function leaderMaySendEarly(next: HardState | undefined, persisted: HardState, durableLastIndex: number): boolean {
  if (next === undefined) return true;
  return next.term === persisted.term && next.vote === persisted.vote && next.commit <= durableLastIndex;
}
