// MemoryStorage: an in-memory RaftStorage with the write side the node loop uses (append, setHardState,
// applySnapshot, compact, createSnapshot). For tests and the simulation; the LMDB store has the same contract.
//
// Layout: `ents[0]` is a dummy entry at the snapshot's (index, term) — the compaction point — so term(i) works
// for i = firstIndex - 1. Entries after it are contiguous.
import { invariant } from './errors.ts';
import { EMPTY_CONF_STATE } from './conf-state.ts';
import { limitSize } from './limit-size.ts';
import { CompactedError, UnavailableError } from './storage.ts';
import type { RaftStorage } from './storage.ts';
import { EMPTY_HARD_STATE } from './types.ts';
import type { ConfState, Entry, HardState, Snapshot } from './types.ts';
import { RuninkError } from '../../common/error.ts';

const NO_DATA = new Uint8Array(0);

export class SnapshotOutOfDateError extends RuninkError {
  constructor(index: number, current: number) {
    super('RAFT_SNAP_OUT_OF_DATE', `snapshot at index ${index} is older than the current one at ${current}`, { index, current });
  }
}

export class MemoryStorage implements RaftStorage {
  private hardState: HardState = EMPTY_HARD_STATE;
  private snap: Snapshot;
  private ents: Entry[];

  /** `confState`: the initial configuration of a fresh node (stored in the empty snapshot at index 0). */
  constructor(init: { confState?: ConfState } = {}) {
    this.snap = { metadata: { index: 0, term: 0, confState: init.confState ?? EMPTY_CONF_STATE }, data: NO_DATA };
    this.ents = [dummy(0, 0)];
  }

  initialState(): { hardState: HardState; confState: ConfState } {
    return { hardState: this.hardState, confState: this.snap.metadata.confState };
  }

  hardStateNow(): HardState {
    return this.hardState;
  }

  setHardState(hs: HardState): void {
    this.hardState = hs;
  }

  entries(lo: number, hi: number, maxBytes: number): Entry[] {
    const offset = this.offset();
    if (lo <= offset) throw new CompactedError(lo);
    if (hi > this.lastIndex() + 1) throw new UnavailableError(hi - 1);
    if (hi <= lo) return [];
    return limitSize(this.ents.slice(lo - offset, hi - offset), maxBytes);
  }

  term(i: number): number {
    const offset = this.offset();
    if (i < offset) throw new CompactedError(i);
    const e = this.ents[i - offset];
    if (e === undefined) throw new UnavailableError(i);
    return e.term;
  }

  lastIndex(): number {
    return this.offset() + this.ents.length - 1;
  }

  firstIndex(): number {
    return this.offset() + 1;
  }

  snapshot(): Snapshot {
    return this.snap;
  }

  /** Replaces the whole log with `snap` (a follower installing the leader's snapshot). */
  applySnapshot(snap: Snapshot): void {
    if (snap.metadata.index <= this.snap.metadata.index) throw new SnapshotOutOfDateError(snap.metadata.index, this.snap.metadata.index);
    this.snap = snap;
    this.ents = [dummy(snap.metadata.index, snap.metadata.term)];
  }

  /** Records a snapshot of the state machine at applied index `i` (≤ lastIndex). Does not compact. */
  createSnapshot(i: number, confState: ConfState | undefined, data: Uint8Array): Snapshot {
    if (i <= this.snap.metadata.index) throw new SnapshotOutOfDateError(i, this.snap.metadata.index);
    if (i > this.lastIndex()) throw invariant(`snapshot index ${i} is out of bound (last index ${this.lastIndex()})`);
    const term = this.term(i);
    this.snap = { metadata: { index: i, term, confState: confState ?? this.snap.metadata.confState }, data };
    return this.snap;
  }

  /** Discards entries up to and including `compactIndex` (which becomes the dummy). The caller must not
   * compact past what it has applied; entries after the snapshot's index remain readable through term(). */
  compact(compactIndex: number): void {
    const offset = this.offset();
    if (compactIndex <= offset) throw new CompactedError(compactIndex);
    if (compactIndex > this.lastIndex()) throw invariant(`compact ${compactIndex} is out of bound (last index ${this.lastIndex()})`);
    const keep = this.ents.slice(compactIndex - offset);
    const head = keep[0] as Entry;
    keep[0] = dummy(head.index, head.term);
    this.ents = keep;
  }

  /** Appends entries, truncating any existing suffix they conflict with. Entries before firstIndex are
   * ignored (already compacted); a gap after lastIndex is an invariant violation. */
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = this.firstIndex();
    const lastNew = (entries[entries.length - 1] as Entry).index;
    if (lastNew < first) return;
    let ents = [...entries];
    const head = (ents[0] as Entry).index;
    if (first > head) ents = ents.slice(first - head);
    const at = (ents[0] as Entry).index - this.offset();
    if (at > this.ents.length) throw invariant(`missing log entry [last: ${this.lastIndex()}, append at: ${(ents[0] as Entry).index}]`);
    this.ents = this.ents.slice(0, at).concat(ents);
  }

  private offset(): number {
    return (this.ents[0] as Entry).index;
  }
}

function dummy(index: number, term: number): Entry {
  return { index, term, type: 'normal', data: NO_DATA };
}
