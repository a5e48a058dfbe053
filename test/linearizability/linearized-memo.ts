// Lowe's memoization for the Wing–Gong–Lowe search, extended with subsumption for unknown-outcome ops.
//
// A configuration is (set of linearized ops, model state). WGL's rule: a configuration met a second time
// cannot succeed where its first visit failed, so it is skipped. Extension: split the set into known ops K
// and unknown-outcome ops U. If (K, U', σ) was fully explored and failed, then (K, U, σ) with U' ⊆ U fails
// too — anything it could still do, (K, U', σ) could do as well by leaving the extra unknown ops out (they
// may be omitted, and they never return, so they constrain no real-time order). Only CLOSED (fully
// explored) entries subsume others; open ones are the ancestors of the current configuration.
//
// Sets are bitsets with an incrementally maintained hash (XOR of a fixed per-op mix), so a lookup costs
// one hash-bucket probe plus exact comparisons; hash collisions only cost time. Stored known sets are
// compacted: ops are numbered in call order and the search linearizes roughly in that order, so a set is
// mostly a run of full words, a few mixed words, then empty words; only the mixed middle is copied.

export class LinearizedSet {
  readonly words: Uint32Array;
  hash = 0;

  constructor(capacity: number) {
    this.words = new Uint32Array(Math.ceil(capacity / 32));
  }

  set(i: number): void {
    this.words[i >>> 5] = (this.words[i >>> 5] as number) | (1 << (i & 31));
    this.hash = (this.hash ^ mix(i)) >>> 0;
  }

  clear(i: number): void {
    this.words[i >>> 5] = (this.words[i >>> 5] as number) & ~(1 << (i & 31));
    this.hash = (this.hash ^ mix(i)) >>> 0;
  }
}

/** One visited configuration; `open` until the search has fully explored it. */
export interface MemoEntry {
  readonly known: CompactSet;
  readonly state: string;
  readonly unknown: Uint32Array;
  open: boolean;
}

export class ConfigurationMemo {
  /** Entries by (hash of the known set) XOR (hash of the state key). */
  private readonly buckets = new Map<number, MemoEntry[]>();

  /** True when (known, unknown, stateKey) was visited before or is subsumed by a closed entry: it cannot
   * succeed (or is being explored already). */
  covers(known: LinearizedSet, unknown: LinearizedSet, stateKey: string): boolean {
    const bucket = this.buckets.get(bucketOf(known, stateKey));
    if (bucket === undefined) return false;
    for (const e of bucket) {
      if (e.state !== stateKey || !isSubset(e.unknown, unknown.words) || !matchesCompact(e.known, known.words)) continue;
      if (!e.open || sameWords(e.unknown, unknown.words)) return true;
    }
    return false;
  }

  /** Records a configuration as visited (open); call `close` once it is fully explored. */
  record(known: LinearizedSet, unknown: LinearizedSet, stateKey: string): MemoEntry {
    const unknownCopy = unknown.words.length === 0 ? NO_WORDS : unknown.words.slice();
    const entry: MemoEntry = { known: compact(known.words), state: stateKey, unknown: unknownCopy, open: true };
    const b = bucketOf(known, stateKey);
    const bucket = this.buckets.get(b);
    if (bucket === undefined) this.buckets.set(b, [entry]);
    else bucket.push(entry);
    return entry;
  }

  /** Marks an entry fully explored (and failed). */
  close(entry: MemoEntry): void {
    entry.open = false;
  }
}

function bucketOf(known: LinearizedSet, stateKey: string): number {
  let h = known.hash;
  for (let i = 0; i < stateKey.length; i++) h = Math.imul(h ^ stateKey.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const NO_WORDS = new Uint32Array(0);
const FULL = 0xffffffff;

/** A bitset stored as `full` leading all-ones words, then `middle`, then all-zero words. */
interface CompactSet {
  readonly full: number;
  readonly middle: Uint32Array;
}

function compact(words: Uint32Array): CompactSet {
  let full = 0;
  while (full < words.length && words[full] === FULL) full++;
  let end = words.length;
  while (end > full && words[end - 1] === 0) end--;
  return { full, middle: end === full ? NO_WORDS : words.slice(full, end) };
}

function matchesCompact(c: CompactSet, words: Uint32Array): boolean {
  const { full, middle } = c;
  for (let i = 0; i < full; i++) if (words[i] !== FULL) return false;
  for (let i = 0; i < middle.length; i++) if (words[full + i] !== middle[i]) return false;
  for (let i = full + middle.length; i < words.length; i++) if (words[i] !== 0) return false;
  return true;
}

function sameWords(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** a ⊆ b */
function isSubset(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < a.length; i++) if (((a[i] as number) & ~(b[i] as number)) !== 0) return false;
  return true;
}

/** A fixed 32-bit mix of an op index (murmur3 finalizer); deterministic, no randomness. */
function mix(i: number): number {
  let h = (i + 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
