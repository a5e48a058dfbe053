// Size accounting for entries: the unit of `maxSizePerMsg` (append messages) and of the bytes handed to the
// application per Ready. An entry counts its payload bytes; an empty entry (the leader's no-op) counts 0.
import type { Entry } from './types.ts';

export function entrySize(e: Entry): number {
  return e.data.byteLength;
}

export function entriesSize(ents: readonly Entry[]): number {
  let n = 0;
  for (const e of ents) n += entrySize(e);
  return n;
}

/** The longest prefix of `ents` whose total size is ≤ maxBytes, but never fewer than one entry (so a single
 * oversized entry still makes progress). Returns `ents` itself when nothing is cut. */
export function limitSize<T extends Entry>(ents: T[], maxBytes: number): T[] {
  if (ents.length === 0) return ents;
  let size = entrySize(ents[0] as T);
  let limit = 1;
  for (; limit < ents.length; limit++) {
    size += entrySize(ents[limit] as T);
    if (size > maxBytes) break;
  }
  return limit === ents.length ? ents : ents.slice(0, limit);
}
