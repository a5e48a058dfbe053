// Test support for the storage tests: Raft entries and hard states that are easy to tell apart in a failed
// assertion (the payload names the index and the term).
import type { Entry, HardState } from '../raft/types.ts';

export function ent(index: number, term: number, text = `e${index}t${term}`): Entry {
  return { index, term, type: 'normal', data: new TextEncoder().encode(text) };
}

/** Entries lo..hi (inclusive), all of `term`. */
export function range(lo: number, hi: number, term: number): Entry[] {
  return Array.from({ length: hi - lo + 1 }, (_, k) => ent(lo + k, term));
}

export function hs(term: number, commit: number, vote = 'n1'): HardState {
  return { term, vote, commit };
}
