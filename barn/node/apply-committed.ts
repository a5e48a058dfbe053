// The state-machine side of a Ready's commit. Runs inside LmdbStore.commit: in its env transaction, or in memory
// (write-back), so the effects and the applied index always reach the env together.
//
// Contract: an installed snapshot is restored first (when it is ahead of the applied index); then the committed
// entries in order, each skipped when at or below the applied index (so re-applying after a crash is harmless).
// Configuration changes go to `confChange` (the node's membership bookkeeping). Returns the KV events, for
// watchers, and the results of proposals that carry a request id, for the callers waiting on this node.
import { RuninkError } from '../../common/error.ts';
import type { Entry, Snapshot } from '../raft/types.ts';
import { applyEntry, type ApplyResult } from '../state/apply.ts';
import type { KvEvent } from '../state/backend.ts';
import { restoreSnapshot } from '../state/snapshot.ts';
import type { LmdbKvWriter } from '../storage/lmdb-kv.ts';
import type { LmdbStore } from '../storage/lmdb-store.ts';
import { unwrap } from './envelope.ts';

export interface Applied {
  readonly events: KvEvent[];
  readonly done: Array<{ readonly requestId: string; readonly result: ApplyResult }>;
}

export function applyCommitted(w: LmdbKvWriter, snapshot: Snapshot | undefined, committed: readonly Entry[], confChange: (entry: Entry, w: LmdbKvWriter) => KvEvent[]): Applied {
  const events: KvEvent[] = [];
  const done: Array<{ requestId: string; result: ApplyResult }> = [];
  if (snapshot !== undefined && snapshot.metadata.index > w.appliedIndex()) restoreInto(w, snapshot);
  for (const entry of committed) {
    if (entry.index <= w.appliedIndex()) continue;
    if (entry.type === 'conf-change') {
      events.push(...confChange(entry, w));
      continue;
    }
    const { requestId, command } = unwrap(entry.data);
    const result = applyEntry(w, entry.index, command);
    if (result.ok) events.push(...result.events);
    if (requestId !== undefined) done.push({ requestId, result });
  }
  return { events, done };
}

/** Replaces the state machine with the snapshot's, and its configuration. Throws BARN_BAD_SNAPSHOT. */
export function restoreInto(w: LmdbKvWriter, snapshot: Snapshot): void {
  const restored = restoreSnapshot(w, snapshot.data);
  if (!restored.ok) throw new RuninkError('BARN_BAD_SNAPSHOT', restored.message);
  w.setConfState(snapshot.metadata.confState);
}

/** At open: a crash after persisting a snapshot but before restoring the KV from it, or an env rebuilt from the
 * WAL, leaves the KV behind the snapshot: restore it now. The snapshot file is read only then. */
export function recoverStateMachine(store: LmdbStore): void {
  if (store.snapshotMetadata().index <= store.kv.appliedIndex()) return;
  const snap = store.readSnapshot();
  if (snap.data.length > 0) store.kv.write((w) => restoreInto(w, snap));
}
