// Test support for the storage tests: Raft entries and hard states that are easy to tell apart in a failed
// assertion (the payload names the index and the term).
import type { Entry, HardState } from '../raft/types.ts';
import type { LmdbKvWriter } from './lmdb-kv.ts';
import type { LmdbStore } from './lmdb-store.ts';

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
/** Puts `key` = `index` and moves the revision and applied index to `index`. */
export function putAt(key: string, index: number): (w: LmdbKvWriter) => number {
  return (w) => {
    const record = { key, value: index, createRevision: index, modRevision: index, version: 1 };
    w.putRecord(record);
    w.appendEvent({ type: 'put', revision: index, record });
    w.setRevision(index);
    w.setAppliedIndex(index);
    return index;
  };
}

/** One Ready: entries lo..hi appended and committed, applied in order; each entry puts `keysPerEntry` keys. */
export function commitReady(store: LmdbStore, lo: number, hi: number, keysPerEntry = 1): void {
  const prepared = store.prepare({ entries: range(lo, hi, 1), hardState: hs(1, hi) });
  store.flushSync(prepared);
  store.commit(prepared, (w) => {
    for (let i = lo; i <= hi; i++) for (let k = 0; k < keysPerEntry; k++) putAt(`k${(i * keysPerEntry + k) % 97}`, i)(w);
  });
}

