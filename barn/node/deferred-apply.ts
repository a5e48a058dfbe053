// Committed entries a follower has not applied yet. A follower that nobody waits on defers applying (the
// entries are durable in its log, and Raft already counts them as applied, as with etcd's asynchronous apply)
// until the next tick, or someone needing the state: a leader, a waiting write or read, a watcher, a
// configuration change, or 1,000 entries. A Ready that only moves the commit index is then not written at all,
// and a durable Ready goes to the write-ahead log alone (its env part waits in the store's tail): the commit
// index is recoverable, and every write that applies entries also records a commit index covering them
// (coveringCommit), so applied ≤ stored commit after any crash.
import type { Entry, HardState, Ready } from '../raft/types.ts';
import { mustSync, type PersistBatch } from '../storage/lmdb-store.ts';

const MAX_DEFERRED = 1000;

export class DeferredApply {
  private unapplied: Entry[] = [];
  /** A tick passed since entries were deferred: apply them at the next pass. */
  private due = false;

  get pending(): boolean {
    return this.unapplied.length > 0;
  }

  /** Called on every tick: deferred entries wait at most one tick. */
  tick(): void {
    if (this.unapplied.length > 0) this.due = true;
  }

  /** Whether the deferred entries must be applied now; `needed` = someone on this node needs the state. */
  mustApply(needed: boolean): boolean {
    return needed || this.due || this.unapplied.length >= MAX_DEFERRED || this.unapplied.some((e) => e.type === 'conf-change');
  }

  /** What `rd` writes, and which committed entries it applies (none, and no write, when both can wait). */
  plan(rd: Ready, stored: HardState, needed: boolean): { batch: PersistBatch | undefined; committed: Entry[] } {
    for (const e of rd.committedEntries) this.unapplied.push(e);
    const batch: PersistBatch = { entries: rd.entries, ...(rd.hardState ? { hardState: rd.hardState } : {}), ...(rd.snapshot ? { snapshot: rd.snapshot } : {}) };
    if (this.mustApply(needed)) {
      const committed = this.take();
      return { batch: coveringCommit(batch, committed, stored), committed };
    }
    return { batch: mustSync(batch, stored) ? batch : undefined, committed: [] };
  }

  take(): Entry[] {
    const out = this.unapplied;
    this.unapplied = [];
    this.due = false;
    return out;
  }
}

/** The batch, with a hard state whose commit index covers the entries applied with it. Term and vote are the
 * stored ones when the Ready carries no hard state: every change of them is written durably at once. Pure. */
export function coveringCommit(batch: PersistBatch, committed: readonly Entry[], stored: HardState): PersistBatch {
  const last = committed.at(-1)?.index;
  if (last === undefined) return batch;
  const hs = batch.hardState ?? stored;
  return hs.commit >= last ? batch : { ...batch, hardState: { ...hs, commit: last } };
}
