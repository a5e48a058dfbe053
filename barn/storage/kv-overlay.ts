// The state machine's write-back layer: effects of applied entries held in memory until the store writes them
// to the env (etcd applies into its backend's batch transaction and commits that every 100 ms the same way). The
// WAL already holds the entries, so a crash loses nothing: the env is exact as of ITS applied index, and Raft
// applies the rest again from the log when the node restarts.
//
// Layers: the env (a KvBase) at the bottom, then the store's overlay, then — while an apply runs — that apply's
// own delta. Reads look top-down: a key's newest layer wins, a null record is a delete; history is the env's
// events (minus those a layer compacted away), then each layer's events in order. Every layer's events come after
// every event below it (entries apply in order). An apply writes only its delta; the delta joins the overlay
// when the apply returns (absorb) and is dropped when it throws, so an apply is all or nothing here too.
//
// Records and events are kept as the apply wrote them, not copied: nobody may change a record or event after
// writing it, or one it read (MemoryBackend hands out frozen copies; barn/state never mutates them).
//
// Pure: no LMDB, no clock. Ownership: LmdbKv owns the overlay (LmdbKv.transact writes it to the env and lets it
// go only once that transaction committed); the store decides when.
import type { ConfState } from '../raft/types.ts';
import type { KvEvent, KvRecord } from '../state/backend.ts';
import { compareKeys, inRange } from '../state/key-order.ts';

/** An event with its sequence number among the events of its revision (the history table's key). */
export interface SequencedEvent {
  readonly event: KvEvent;
  readonly seq: number;
}

/** The env's tables as committed (or as the current write transaction sees them). */
export interface KvBase {
  get(key: string): KvRecord | undefined;
  /** Records with keys in [start, end), in key order, read lazily. */
  range(start: string, end: string | undefined): Iterable<KvRecord>;
  /** Events with revision ≥ fromRevision, in (revision, seq) order, read lazily. */
  events(fromRevision: number): Iterable<SequencedEvent>;
  newestEventRevision(): number;
  /** Events stored at exactly `revision`. */
  eventCount(revision: number): number;
  counter(name: string): number;
  confState(): ConfState | undefined;
  /** Throws the store's error for a key it cannot hold (checked when written, not when written back). */
  checkKey(key: string): void;
}

export class KvOverlay {
  /** key → the record as applied, or null: deleted. */
  readonly records = new Map<string, KvRecord | null>();
  /** After every event in the layers below, in (revision, seq) order. */
  events: SequencedEvent[] = [];
  readonly counters = new Map<string, number>();
  confState: ConfState | undefined;
  /** Events below this revision in the layers below are gone (compactHistory); 0 = none dropped. */
  dropBelow = 0;

  get empty(): boolean {
    return this.records.size === 0 && this.events.length === 0 && this.counters.size === 0 && this.confState === undefined && this.dropBelow === 0;
  }

  /** Records plus events held: what the store bounds. */
  get size(): number {
    return this.records.size + this.events.length;
  }

  /** `top` (a finished apply's delta) joins this layer. Its compaction drops this layer's older events first;
   * its own events were already compacted in order as it wrote them. */
  absorb(top: KvOverlay): void {
    for (const [key, record] of top.records) this.records.set(key, record);
    if (top.dropBelow > 0) {
      this.events = this.events.filter((e) => e.event.revision >= top.dropBelow);
      this.dropBelow = Math.max(this.dropBelow, top.dropBelow);
    }
    for (const e of top.events) this.events.push(e);
    for (const [name, value] of top.counters) this.counters.set(name, value);
    if (top.confState !== undefined) this.confState = top.confState;
  }
}

/** Reads through `layers()` (bottom to top) over `base`. */
export class LayeredReads {
  constructor(
    private readonly base: KvBase,
    private readonly layers: () => readonly KvOverlay[],
  ) {}

  get(key: string): KvRecord | undefined {
    const ls = this.layers();
    for (let i = ls.length - 1; i >= 0; i--) {
      const r = ls[i]!.records.get(key);
      if (r !== undefined) return r ?? undefined;
    }
    return this.base.get(key);
  }

  range(start: string, end: string | undefined, limit?: number): KvRecord[] {
    if (limit !== undefined && limit <= 0) return [];
    if (end !== undefined && compareKeys(end, start) <= 0) return [];
    const changed = new Map<string, KvRecord | null>();
    for (const layer of this.layers()) for (const [key, r] of layer.records) if (inRange(key, start, end)) changed.set(key, r);
    const base = this.base.range(start, end);
    if (changed.size === 0) return take(base, limit);
    const mine = [...changed.keys()].sort(compareKeys);
    const out: KvRecord[] = [];
    let i = 0;
    const full = (): boolean => limit !== undefined && out.length >= limit;
    const emitMineBefore = (key: string | undefined): void => {
      while (i < mine.length && !full() && (key === undefined || compareKeys(mine[i]!, key) <= 0)) {
        const r = changed.get(mine[i++]!);
        if (r) out.push(r);
      }
    };
    for (const r of base) {
      emitMineBefore(r.key);
      if (full()) return out;
      if (!changed.has(r.key)) out.push(r);
      if (full()) return out;
    }
    emitMineBefore(undefined);
    return out;
  }

  /** Events with revision ≥ fromRevision, in order, for keys in [start, end); the caller checks compaction. */
  history(start: string, end: string | undefined, fromRevision: number, limit?: number): KvEvent[] {
    const out: KvEvent[] = [];
    if (limit !== undefined && limit <= 0) return out;
    const ls = this.layers();
    const add = (events: Iterable<SequencedEvent>, dropBelow: number): boolean => {
      for (const { event } of events) {
        if (event.revision < fromRevision || event.revision < dropBelow || !inRange(event.record.key, start, end)) continue;
        out.push(event);
        if (limit !== undefined && out.length >= limit) return true;
      }
      return false;
    };
    if (add(this.base.events(Math.max(fromRevision, dropAbove(ls, -1))), dropAbove(ls, -1))) return out;
    for (let i = 0; i < ls.length; i++) if (add(ls[i]!.events, dropAbove(ls, i))) return out;
    return out;
  }

  counter(name: string): number {
    const ls = this.layers();
    for (let i = ls.length - 1; i >= 0; i--) {
      const v = ls[i]!.counters.get(name);
      if (v !== undefined) return v;
    }
    return this.base.counter(name);
  }

  confState(): ConfState | undefined {
    const ls = this.layers();
    for (let i = ls.length - 1; i >= 0; i--) if (ls[i]!.confState !== undefined) return ls[i]!.confState;
    return this.base.confState();
  }

  /** The newest event's revision and how many events it has, over every layer (0 and 0 when none is left). */
  newest(): { revision: number; count: number } {
    const ls = this.layers();
    for (let i = ls.length - 1; i >= 0; i--) {
      const evs = ls[i]!.events;
      if (evs.length === 0) continue;
      const last = evs[evs.length - 1]!;
      // Every event below is older: if a layer above dropped this one, it dropped them all.
      if (last.event.revision < dropAbove(ls, i)) return { revision: 0, count: 0 };
      return { revision: last.event.revision, count: last.seq + 1 };
    }
    const revision = this.base.newestEventRevision();
    return revision === 0 || revision < dropAbove(ls, -1) ? { revision: 0, count: 0 } : { revision, count: this.base.eventCount(revision) };
  }
}

/** The highest compaction among the layers above index `below` (-1: above the base). */
function dropAbove(layers: readonly KvOverlay[], below: number): number {
  let drop = 0;
  for (let i = below + 1; i < layers.length; i++) drop = Math.max(drop, layers[i]!.dropBelow);
  return drop;
}

function take(records: Iterable<KvRecord>, limit: number | undefined): KvRecord[] {
  const out: KvRecord[] = [];
  for (const r of records) {
    out.push(r);
    if (limit !== undefined && out.length >= limit) break;
  }
  return out;
}
