// The Wing–Gong–Lowe event list: every op contributes a call entry and a return entry, in time order, in a
// doubly linked list that the search edits in place (lift = take an op out once linearized, unlift = put it
// back when backtracking).
//
// Order contract:
// - entries sort by time; an op with an unknown outcome returns at +Infinity (after every known return);
// - at equal times calls come before returns, so touching intervals count as concurrent (the conservative
//   choice: it never invents a real-time order the clocks do not prove);
// - remaining ties break by op index, so the list is deterministic.
//
// Entry 0 is the head sentinel, entry 2n+1 the tail sentinel; entries 1..2n are events.

export interface EntryList {
  readonly head: number;
  readonly tail: number;
  readonly next: Int32Array;
  readonly prev: Int32Array;
  /** Op index of each event entry (-1 for the sentinels). */
  readonly opOf: Int32Array;
  /** 1 for a call entry, 0 for a return entry or sentinel. */
  readonly isCall: Uint8Array;
  /** The other entry of the same op (call ↔ return). */
  readonly match: Int32Array;
}

export interface Interval {
  readonly call: number;
  /** +Infinity when the outcome is unknown. */
  readonly ret: number;
}

export function buildEntryList(intervals: readonly Interval[]): EntryList {
  const n = intervals.length;
  const events: Array<{ time: number; call: boolean; op: number }> = [];
  intervals.forEach((iv, op) => {
    events.push({ time: iv.call, call: true, op });
    events.push({ time: iv.ret, call: false, op });
  });
  // Infinity - Infinity is NaN, which is falsy: two unknown returns fall through to the op index.
  events.sort((a, b) => a.time - b.time || Number(b.call) - Number(a.call) || a.op - b.op);
  const size = 2 * n + 2;
  const list: EntryList = {
    head: 0,
    tail: size - 1,
    next: new Int32Array(size),
    prev: new Int32Array(size),
    opOf: new Int32Array(size).fill(-1),
    isCall: new Uint8Array(size),
    match: new Int32Array(size),
  };
  const callEntry = new Int32Array(n);
  events.forEach((ev, i) => {
    const e = i + 1;
    list.opOf[e] = ev.op;
    list.isCall[e] = ev.call ? 1 : 0;
    if (ev.call) callEntry[ev.op] = e;
    else {
      const c = callEntry[ev.op] as number;
      list.match[e] = c;
      list.match[c] = e;
    }
  });
  for (let e = 0; e < size; e++) {
    list.next[e] = e + 1 < size ? e + 1 : -1;
    list.prev[e] = e - 1;
  }
  return list;
}

/** Removes a linearized op (its call entry `e` and its return entry) from the list. */
export function lift(list: EntryList, e: number): void {
  const { next, prev } = list;
  const r = list.match[e] as number;
  unlink(next, prev, e);
  unlink(next, prev, r);
}

/** Undoes `lift(list, e)`; must be called in reverse order of lifts. */
export function unlift(list: EntryList, e: number): void {
  const { next, prev } = list;
  const r = list.match[e] as number;
  relink(next, prev, r);
  relink(next, prev, e);
}

function unlink(next: Int32Array, prev: Int32Array, e: number): void {
  const p = prev[e] as number;
  const nx = next[e] as number;
  next[p] = nx;
  prev[nx] = p;
}

function relink(next: Int32Array, prev: Int32Array, e: number): void {
  next[prev[e] as number] = e;
  prev[next[e] as number] = e;
}
