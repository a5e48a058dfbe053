// Compaction: history events below a revision are dropped and the compaction point remembered; records are
// untouched (they always hold each key's latest write — there are no older versions to drop). A watch or
// history read from below the compaction point then fails with BARN_COMPACTED.
//
// Compaction is itself a replicated command (`compact {revision}`), so every replica drops the same history
// at the same log position; the leader proposes it by policy (autoCompactRevision). It never bumps the
// store revision.
import type { KvWriter } from './backend.ts';
import type { CompactCommand } from './commands.ts';
import type { StateError } from './errors.ts';
import { stateError } from './errors.ts';

/** Compacts history below `revision`. Errors (data): BARN_FUTURE_REVISION above the store revision,
 * BARN_COMPACTED at or below the current compaction point (compacting is not repeated). */
export function compactTo(w: KvWriter, revision: number): StateError | undefined {
  const current = w.revision();
  const compacted = w.compactedRevision();
  if (revision > current) {
    return stateError('BARN_FUTURE_REVISION', `cannot compact at ${revision}: the store revision is ${current}`);
  }
  if (revision <= compacted) {
    return stateError('BARN_COMPACTED', `revision ${revision} is already compacted (compaction point ${compacted})`, {
      compactedRevision: compacted,
    });
  }
  w.compactHistory(revision);
  return undefined;
}

/**
 * Retention policy: the compaction revision that keeps the last `retain` revisions of history
 * ([current - retain + 1, current]), or undefined when that would not move the compaction point by at least
 * `step` revisions (so the leader proposes a compaction every `step` writes, not after each one).
 */
export function autoCompactRevision(current: number, retain: number, compacted = 0, step = 1): number | undefined {
  const target = Math.min(current, current - Math.max(1, retain) + 1);
  return target > compacted && target - compacted >= Math.max(1, step) ? target : undefined;
}

export function compactCommand(revision: number): CompactCommand {
  return { type: 'compact', revision };
}
