// RaftLog: the log as the core sees it — durable entries (through RaftStorage) followed by unstable ones —
// plus the two cursors: `committed` (known durable on a quorum) and `applied` (handed to the state machine).
// Invariant: applied ≤ committed ≤ lastIndex; firstIndex - 1 ≤ applied.
//
// Reads that hit compacted entries return `undefined` (data, not exceptions): the leader then falls back to
// sending a snapshot.
import { invariant } from './errors.ts';
import { limitSize } from './limit-size.ts';
import { CompactedError, UnavailableError } from './storage.ts';
import type { RaftStorage } from './storage.ts';
import type { Entry, Snapshot } from './types.ts';
import { Unstable } from './unstable.ts';

export class RaftLog {
  readonly unstable: Unstable;
  committed: number;
  applied: number;

  constructor(
    readonly storage: RaftStorage,
    /** Max bytes of committed entries handed out per Ready. */
    readonly maxNextEntsSize: number,
  ) {
    const first = storage.firstIndex();
    const last = storage.lastIndex();
    this.unstable = new Unstable(last + 1);
    this.committed = first - 1;
    this.applied = first - 1;
  }

  firstIndex(): number {
    return this.unstable.maybeFirstIndex() ?? this.storage.firstIndex();
  }

  lastIndex(): number {
    return this.unstable.maybeLastIndex() ?? this.storage.lastIndex();
  }

  lastTerm(): number {
    const t = this.term(this.lastIndex());
    if (t === undefined) throw invariant(`unexpected error when getting the last term (last index ${this.lastIndex()})`);
    return t;
  }

  /** Term of entry i; 0 for i outside [firstIndex - 1, lastIndex]; undefined when compacted away. */
  term(i: number): number | undefined {
    const dummyIndex = this.firstIndex() - 1;
    if (i < dummyIndex || i > this.lastIndex()) return 0;
    const t = this.unstable.maybeTerm(i);
    if (t !== undefined) return t;
    try {
      return this.storage.term(i);
    } catch (e) {
      if (e instanceof CompactedError || e instanceof UnavailableError) return undefined;
      throw e;
    }
  }

  matchTerm(i: number, t: number): boolean {
    return this.term(i) === t;
  }

  /** Whether a log ending at (lasti, term) is at least as up-to-date as ours (Raft §5.4.1). */
  isUpToDate(lasti: number, term: number): boolean {
    const lt = this.lastTerm();
    return term > lt || (term === lt && lasti >= this.lastIndex());
  }

  /** Index of the first entry of `ents` that is missing or has a different term here; 0 if all match. */
  findConflict(ents: readonly Entry[]): number {
    for (const e of ents) if (!this.matchTerm(e.index, e.term)) return e.index;
    return 0;
  }

  /** Fast backtracking: the largest index ≤ `index` whose term is ≤ `term` (the leader can skip every entry
   * of a larger term in one round trip). Stops at compacted entries (term unknown). */
  findConflictByTerm(index: number, term: number): { index: number; term: number } {
    for (let i = index; i > 0; i--) {
      const t = this.term(i);
      if (t === undefined) return { index: i, term: 0 };
      if (t <= term) return { index: i, term: t };
    }
    return { index: 0, term: 0 };
  }

  /** The follower side of AppendEntries: if (index, logTerm) matches, appends `ents` (truncating a
   * conflicting suffix), advances commit to min(committed, last new index) and returns that last index;
   * undefined when the previous entry does not match. */
  maybeAppend(index: number, logTerm: number, committed: number, ents: readonly Entry[]): number | undefined {
    if (!this.matchTerm(index, logTerm)) return undefined;
    const lastNew = index + ents.length;
    const ci = this.findConflict(ents);
    if (ci !== 0) {
      if (ci <= this.committed) throw invariant(`entry ${ci} conflicts with committed entry [committed(${this.committed})]`);
      this.append(ents.slice(ci - (index + 1)));
    }
    this.commitTo(Math.min(committed, lastNew));
    return lastNew;
  }

  append(ents: readonly Entry[]): number {
    const first = ents[0];
    if (first === undefined) return this.lastIndex();
    if (first.index - 1 < this.committed) throw invariant(`after(${first.index - 1}) is out of range [committed(${this.committed})]`);
    this.unstable.truncateAndAppend(ents);
    return this.lastIndex();
  }

  commitTo(toCommit: number): void {
    if (this.committed >= toCommit) return;
    if (this.lastIndex() < toCommit) throw invariant(`tocommit(${toCommit}) is out of range [lastIndex(${this.lastIndex()})]`);
    this.committed = toCommit;
  }

  /** Leader commit rule: commit `maxIndex` only if its entry is of the current `term` (Raft §5.4.2). */
  maybeCommit(maxIndex: number, term: number): boolean {
    if (maxIndex > this.committed && this.term(maxIndex) === term) {
      this.commitTo(maxIndex);
      return true;
    }
    return false;
  }

  appliedTo(i: number): void {
    if (i === 0) return;
    if (this.committed < i || i < this.applied) throw invariant(`applied(${i}) is out of range [prevApplied(${this.applied}), committed(${this.committed})]`);
    this.applied = i;
  }

  stableTo(i: number, t: number): void {
    this.unstable.stableTo(i, t);
  }

  stableSnapTo(i: number): void {
    this.unstable.stableSnapTo(i);
  }

  unstableEntries(): readonly Entry[] {
    return this.unstable.entries;
  }

  /** Committed entries not yet applied (at most maxNextEntsSize bytes, at least one). */
  nextCommittedEntries(): Entry[] {
    const off = Math.max(this.applied + 1, this.firstIndex());
    if (this.committed + 1 <= off) return [];
    const ents = this.slice(off, this.committed + 1, this.maxNextEntsSize);
    if (ents === undefined) throw invariant(`unexpected compaction when reading committed entries from ${off}`);
    return ents;
  }

  hasNextCommittedEntries(): boolean {
    return this.committed + 1 > Math.max(this.applied + 1, this.firstIndex());
  }

  hasPendingSnapshot(): boolean {
    return this.unstable.snapshot !== undefined;
  }

  snapshot(): Snapshot {
    return this.unstable.snapshot ?? this.storage.snapshot();
  }

  restore(s: Snapshot): void {
    this.committed = s.metadata.index;
    this.unstable.restore(s);
  }

  /** Entries from i to the end, at most maxBytes (at least one); undefined when i is compacted. */
  entries(i: number, maxBytes: number): Entry[] | undefined {
    if (i > this.lastIndex()) return [];
    return this.slice(i, this.lastIndex() + 1, maxBytes);
  }

  /** All entries (for tests and the harness). */
  allEntries(): Entry[] {
    return this.entries(this.firstIndex(), Number.MAX_SAFE_INTEGER) ?? [];
  }

  /** Entries in [lo, hi) limited to maxBytes; undefined when lo is compacted. */
  slice(lo: number, hi: number, maxBytes: number): Entry[] | undefined {
    if (lo > hi) throw invariant(`invalid slice ${lo} > ${hi}`);
    if (lo < this.firstIndex()) return undefined;
    const last = this.lastIndex();
    if (hi > last + 1) throw invariant(`slice[${lo},${hi}) out of bound [${this.firstIndex()},${last}]`);
    if (lo === hi) return [];
    let ents: Entry[] = [];
    const uOff = this.unstable.offset;
    if (lo < uOff) {
      const storedHi = Math.min(hi, uOff);
      let stored: Entry[];
      try {
        stored = this.storage.entries(lo, storedHi, maxBytes);
      } catch (e) {
        if (e instanceof CompactedError) return undefined;
        throw e;
      }
      // Storage already cut at maxBytes: the unstable part cannot be added.
      if (stored.length < storedHi - lo) return stored;
      ents = stored;
    }
    if (hi > uOff) {
      const fresh = this.unstable.slice(Math.max(lo, uOff), hi);
      ents = ents.length > 0 ? ents.concat(fresh) : fresh;
    }
    return limitSize(ents, maxBytes);
  }
}
