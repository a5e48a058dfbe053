// The key/value tables the state machine applies to, inside one write transaction of the store. The LMDB
// store (storage/) implements it so that the effects of a batch of committed entries and the applied index
// are written in the SAME transaction (a crash never applies an entry twice or loses one); MemoryBackend
// (state/memory-backend.ts) implements it for tests and simulation.
//
// Keys are strings, values are JSON-serialisable. Ranges are in key order (byte order of UTF-8).

export interface KvRecord {
  readonly key: string;
  readonly value: unknown;
  /** Revision of the write that created the key (since its last delete). */
  readonly createRevision: number;
  /** Revision of the last write to the key. */
  readonly modRevision: number;
  /** Writes since creation (1 on create). */
  readonly version: number;
}

/** Read access, usable inside and outside a write transaction (reads see committed data or the txn's own writes). */
export interface KvReader {
  get(key: string): KvRecord | undefined;
  /** Records with keys in [start, end) in key order; `end` undefined = to the end; at most `limit`. */
  range(start: string, end: string | undefined, limit?: number): KvRecord[];
  /** The current (latest) revision of the store. */
  revision(): number;
  /** Index of the last applied Raft entry. */
  appliedIndex(): number;
  /** Revision below which history was compacted. */
  compactedRevision(): number;
  /** History events with revision ≥ fromRevision (and < `toRevision` if given), in revision order, for keys in
   * [start, end). Throws if fromRevision < compactedRevision. */
  history(start: string, end: string | undefined, fromRevision: number, limit?: number): KvEvent[];
}

export interface KvEvent {
  readonly type: 'put' | 'delete';
  readonly revision: number;
  /** For put: the record after the write; for delete: the key with the last record's revisions. */
  readonly record: KvRecord;
}

/** Write access inside one transaction. */
export interface KvWriter extends KvReader {
  putRecord(record: KvRecord): void;
  deleteKey(key: string): void;
  appendEvent(event: KvEvent): void;
  setRevision(revision: number): void;
  setAppliedIndex(index: number): void;
  /** Drops history events with revision < revision and remembers the compaction point. */
  compactHistory(revision: number): void;
}

export interface KvBackend extends KvReader {
  /** Runs fn in one write transaction; everything fn wrote is durable together (or not at all). */
  write<T>(fn: (w: KvWriter) => T): T;
}
