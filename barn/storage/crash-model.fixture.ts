// Shared by crash-recovery.test.ts and crash-child.fixture.ts: a deterministic toy state machine and a summary
// of everything a store holds, computed the same way from the child's in-memory mirror and from a reopened store.
//
// The state machine: applying entry i touches key `k/<i mod 37>` (deleting it when it exists and i is a multiple
// of 5, else putting `{ i }`), at revision i. So after applying 1..A the KV is a pure function of A and the
// revision equals A: a reopened store can be checked against "the KV at its applied index" from scratch.
import { createHash } from 'node:crypto';
import type { Entry, HardState } from '../raft/types.ts';
import type { KvEvent, KvRecord } from '../state/backend.ts';
import type { LmdbStore } from './lmdb-store.ts';

export const KEYS = 37;

export interface Summary {
  readonly first: number;
  readonly last: number;
  readonly lastTerm: number;
  readonly logHash: string;
  readonly hard: HardState;
  readonly snapIndex: number;
  readonly snapHash: string;
  readonly applied: number;
  readonly revision: number;
  readonly compacted: number;
  readonly events: number;
  readonly kvHash: string;
}

/** Everything summarised; the child keeps one as its mirror of what it made durable. */
export interface StoreParts {
  offsetIndex: number;
  offsetTerm: number;
  entries: Entry[];
  hard: HardState;
  snapIndex: number;
  snapData: Uint8Array;
  applied: number;
  revision: number;
  compacted: number;
  eventRevisions: number[];
  kv: Map<string, KvRecord>;
}

/** One step of the toy state machine, mutating `kv`; returns the event it produced. */
export function applyIndex(kv: Map<string, KvRecord>, i: number): KvEvent {
  const key = `k/${i % KEYS}`;
  const existing = kv.get(key);
  if (existing !== undefined && i % 5 === 0) {
    kv.delete(key);
    return { type: 'delete', revision: i, record: existing };
  }
  const record: KvRecord = {
    key,
    value: { i },
    createRevision: existing?.createRevision ?? i,
    modRevision: i,
    version: (existing?.version ?? 0) + 1,
  };
  kv.set(key, record);
  return { type: 'put', revision: i, record };
}

/** The KV after applying 1..applied, computed from scratch. */
export function expectedKv(applied: number): Map<string, KvRecord> {
  const kv = new Map<string, KvRecord>();
  for (let i = 1; i <= applied; i++) applyIndex(kv, i);
  return kv;
}

export function sortedRecords(kv: Map<string, KvRecord>): KvRecord[] {
  return [...kv.values()].sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
}

export function encodeKv(kv: Map<string, KvRecord>): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(sortedRecords(kv)));
}

export function decodeKv(data: Uint8Array): Map<string, KvRecord> {
  const records = JSON.parse(new TextDecoder().decode(data)) as KvRecord[];
  return new Map(records.map((r) => [r.key, r]));
}

export function summarize(p: StoreParts): Summary {
  const log = createHash('sha256');
  for (const e of p.entries) log.update(`${e.index}/${e.term}/${e.type}/${Buffer.from(e.data).toString('hex')}\n`);
  const lastEntry = p.entries[p.entries.length - 1];
  return {
    first: p.offsetIndex + 1,
    last: lastEntry?.index ?? p.offsetIndex,
    lastTerm: lastEntry?.term ?? p.offsetTerm,
    logHash: log.digest('hex'),
    hard: { term: p.hard.term, vote: p.hard.vote, commit: p.hard.commit },
    snapIndex: p.snapIndex,
    snapHash: createHash('sha256').update(p.snapData).digest('hex'),
    applied: p.applied,
    revision: p.revision,
    compacted: p.compacted,
    events: p.eventRevisions.length,
    kvHash: createHash('sha256').update(JSON.stringify(sortedRecords(p.kv))).digest('hex'),
  };
}

/** Reads every part back from a store (the parent's view after a crash, and the child's mirror on restart). */
export function readParts(store: LmdbStore): StoreParts {
  const first = store.firstIndex();
  const last = store.lastIndex();
  const snapshot = store.readSnapshot();
  const compacted = store.kv.compactedRevision();
  return {
    offsetIndex: first - 1,
    offsetTerm: store.term(first - 1),
    entries: store.entries(first, last + 1, Number.MAX_SAFE_INTEGER),
    hard: store.initialState().hardState,
    snapIndex: snapshot.metadata.index,
    snapData: snapshot.data,
    applied: store.kv.appliedIndex(),
    revision: store.kv.revision(),
    compacted,
    eventRevisions: store.kv.history('', undefined, compacted).map((e) => e.revision),
    kv: new Map(store.kv.range('', undefined).map((r) => [r.key, r])),
  };
}
