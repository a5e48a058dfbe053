// MemoryBackend: the KvBackend contract (backend.ts) in memory, for tests and simulation, with the LMDB store's
// semantics:
// - write(fn) is one transaction: fn sees its own writes; everything it wrote becomes visible together when it
//   returns, and nothing does when it throws (the error is rethrown). fn must be synchronous; nesting throws.
// - reads outside write() see committed data only.
// - stored values are JSON copies, deeply frozen: a caller mutating what it passed in or got back cannot
//   change the store (mutating a returned value throws, which finds such bugs early).
// - history() throws RuninkError BARN_COMPACTED when fromRevision < compactedRevision();
//   compactHistory(r) drops events below r and sets the compaction point to exactly r (even backwards).
// - appendEvent requires revision order (an event below the last one throws, aborting the transaction).
import { RuninkError } from '../../common/error.ts';
import type { KvBackend, KvEvent, KvRecord, KvWriter } from './backend.ts';
import { compareKeys } from './key-order.ts';

interface Committed {
  records: Map<string, KvRecord>;
  /** All keys of `records`, sorted by compareKeys. */
  keys: string[];
  history: KvEvent[];
  revision: number;
  appliedIndex: number;
  compactedRevision: number;
}

export class MemoryBackend implements KvBackend {
  private state: Committed = { records: new Map(), keys: [], history: [], revision: 0, appliedIndex: 0, compactedRevision: 0 };
  private writing = false;

  get(key: string): KvRecord | undefined {
    return this.state.records.get(key);
  }
  range(start: string, end: string | undefined, limit?: number): KvRecord[] {
    return rangeOf(this.state.keys, this.state.records, start, end, limit);
  }
  revision(): number {
    return this.state.revision;
  }
  appliedIndex(): number {
    return this.state.appliedIndex;
  }
  compactedRevision(): number {
    return this.state.compactedRevision;
  }
  history(start: string, end: string | undefined, fromRevision: number, limit?: number): KvEvent[] {
    return historyOf(this.state.history, this.state.compactedRevision, start, end, fromRevision, limit);
  }

  write<T>(fn: (w: KvWriter) => T): T {
    if (this.writing) throw new Error('MemoryBackend.write: nested write transactions are not supported');
    this.writing = true;
    try {
      const txn = new MemoryTxn(this.state);
      const result = fn(txn);
      if (result instanceof Promise) throw new Error('MemoryBackend.write: fn must be synchronous');
      this.state = txn.commit();
      return result;
    } finally {
      this.writing = false;
    }
  }
}

/** One write transaction: an overlay on the committed state, merged into a new state by commit(). */
class MemoryTxn implements KvWriter {
  private readonly writes = new Map<string, KvRecord | null>();
  /** The whole history once compactHistory ran in this transaction; else only `appended` is new. */
  private historyOverride: KvEvent[] | undefined;
  private appended: KvEvent[] = [];
  private rev: number;
  private applied: number;
  private compacted: number;
  private readonly sealed = new WeakMap<KvRecord, KvRecord>();

  constructor(private readonly base: Committed) {
    this.rev = base.revision;
    this.applied = base.appliedIndex;
    this.compacted = base.compactedRevision;
  }

  get(key: string): KvRecord | undefined {
    const own = this.writes.get(key);
    return own === undefined ? this.base.records.get(key) : (own ?? undefined);
  }
  range(start: string, end: string | undefined, limit?: number): KvRecord[] {
    const keys = new Set(rangeKeys(this.base.keys, start, end));
    for (const key of this.writes.keys()) if (compareKeys(key, start) >= 0 && (end === undefined || compareKeys(key, end) < 0)) keys.add(key);
    const out: KvRecord[] = [];
    for (const key of [...keys].sort(compareKeys)) {
      if (limit !== undefined && out.length >= limit) break;
      const record = this.get(key);
      if (record) out.push(record);
    }
    return out;
  }
  revision(): number {
    return this.rev;
  }
  appliedIndex(): number {
    return this.applied;
  }
  compactedRevision(): number {
    return this.compacted;
  }
  history(start: string, end: string | undefined, fromRevision: number, limit?: number): KvEvent[] {
    return historyOf(this.fullHistory(), this.compacted, start, end, fromRevision, limit);
  }

  putRecord(record: KvRecord): void {
    this.writes.set(record.key, this.seal(record));
  }
  deleteKey(key: string): void {
    this.writes.set(key, null);
  }
  appendEvent(event: KvEvent): void {
    const all = this.historyOverride ?? this.base.history;
    const last = this.appended.at(-1) ?? all.at(-1);
    if (last !== undefined && event.revision < last.revision) {
      throw new Error(`MemoryBackend.appendEvent: revision ${event.revision} after ${last.revision} breaks revision order`);
    }
    this.appended.push(Object.freeze({ type: event.type, revision: event.revision, record: this.seal(event.record) }));
  }
  setRevision(revision: number): void {
    this.rev = revision;
  }
  setAppliedIndex(index: number): void {
    this.applied = index;
  }
  compactHistory(revision: number): void {
    this.historyOverride = this.fullHistory().filter((e) => e.revision >= revision);
    this.appended = [];
    this.compacted = revision;
  }

  /** Merges the overlay into the committed state in place (only called once fn has returned). */
  commit(): Committed {
    const { records, keys } = this.base;
    for (const [key, record] of this.writes) {
      const at = lowerBound(keys, (k) => compareKeys(k, key) >= 0);
      const present = keys[at] === key;
      if (record === null) {
        if (present) keys.splice(at, 1);
        records.delete(key);
      } else {
        if (!present) keys.splice(at, 0, key);
        records.set(key, record);
      }
    }
    const history = this.historyOverride ?? this.base.history;
    for (const e of this.appended) history.push(e);
    return { records, keys, history, revision: this.rev, appliedIndex: this.applied, compactedRevision: this.compacted };
  }

  private fullHistory(): KvEvent[] {
    return (this.historyOverride ?? this.base.history).concat(this.appended);
  }

  private seal(record: KvRecord): KvRecord {
    const known = this.sealed.get(record);
    if (known) return known;
    const copy: KvRecord = Object.freeze({
      key: record.key,
      value: deepFreeze(JSON.parse(JSON.stringify(record.value ?? null)) as unknown),
      createRevision: record.createRevision,
      modRevision: record.modRevision,
      version: record.version,
    });
    this.sealed.set(record, copy);
    return copy;
  }
}

function rangeOf(keys: readonly string[], records: ReadonlyMap<string, KvRecord>, start: string, end: string | undefined, limit?: number): KvRecord[] {
  const selected = rangeKeys(keys, start, end);
  const limited = limit === undefined ? selected : selected.slice(0, Math.max(0, limit));
  return limited.map((key) => records.get(key)!);
}

function rangeKeys(keys: readonly string[], start: string, end: string | undefined): string[] {
  const from = lowerBound(keys, (k) => compareKeys(k, start) >= 0);
  const to = end === undefined ? keys.length : lowerBound(keys, (k) => compareKeys(k, end) >= 0);
  return keys.slice(from, Math.max(from, to));
}

function historyOf(
  events: readonly KvEvent[],
  compacted: number,
  start: string,
  end: string | undefined,
  fromRevision: number,
  limit?: number,
): KvEvent[] {
  if (fromRevision < compacted) {
    throw new RuninkError('BARN_COMPACTED', `revision ${fromRevision} is compacted (history starts at ${compacted})`, { compactedRevision: compacted });
  }
  const out: KvEvent[] = [];
  for (let i = lowerBound(events, (e) => e.revision >= fromRevision); i < events.length; i++) {
    if (limit !== undefined && out.length >= limit) break;
    const e = events[i]!;
    if (compareKeys(e.record.key, start) >= 0 && (end === undefined || compareKeys(e.record.key, end) < 0)) out.push(e);
  }
  return out;
}

/** First index whose item satisfies `atOrAfter` (a predicate monotone over the sorted array). */
function lowerBound<T>(items: readonly T[], atOrAfter: (item: T) => boolean): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (atOrAfter(items[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
