import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readdirSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isRuninkError } from '../../common/error.ts';
import { CompactedError, UnavailableError } from '../raft/storage.ts';
import type { ConfState, Entry, Snapshot } from '../raft/types.ts';
import { LOCK_FILE } from './dir-lock.ts';
import { openStore, type LmdbStore } from './lmdb-store.ts';

const root = mkdtempSync(join(tmpdir(), 'runink-barn-storage-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const ID = { clusterId: 'c-test', nodeId: 'n1' };

function freshDir(): string {
  return join(root, `store-${++dirs}`);
}

function ent(index: number, term: number, text = `e${index}`): Entry {
  return { index, term, type: 'normal', data: new TextEncoder().encode(text) };
}

function range(lo: number, hi: number, term: number): Entry[] {
  const out: Entry[] = [];
  for (let i = lo; i <= hi; i++) out.push(ent(i, term));
  return out;
}

function isCode(code: string): (e: unknown) => boolean {
  return (e) => isRuninkError(e, code);
}

const CONF: ConfState = { voters: ['n1', 'n2', 'n3'], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };

function snap(index: number, term: number, text = 'state'): Snapshot {
  return { metadata: { index, term, confState: CONF }, data: new TextEncoder().encode(text) };
}

async function withStore(fn: (s: LmdbStore, dir: string) => void | Promise<void>): Promise<void> {
  const dir = freshDir();
  const s = openStore(dir, { ...ID, noSync: true });
  try {
    await fn(s, dir);
  } finally {
    await s.close();
  }
}

test('a fresh store is an empty log with an empty hard state and snapshot', () =>
  withStore((s) => {
    assert.equal(s.firstIndex(), 1);
    assert.equal(s.lastIndex(), 0);
    assert.equal(s.term(0), 0);
    assert.deepEqual(s.entries(1, 1, Infinity), []);
    assert.deepEqual(s.initialState().hardState, { term: 0, vote: '', commit: 0 });
    assert.equal(s.snapshot().metadata.index, 0);
    assert.equal(s.snapshot().data.byteLength, 0);
  }));

test('persisted entries and hard state read back exactly, including empty and conf-change entries', () =>
  withStore((s) => {
    const entries: Entry[] = [
      { index: 1, term: 1, type: 'normal', data: new Uint8Array(0) },
      { index: 2, term: 1, type: 'conf-change', data: new Uint8Array([1, 2, 3]) },
      { index: 3, term: 2, type: 'normal', data: new Uint8Array(1000).fill(7) },
    ];
    s.persist({ entries, hardState: { term: 2, vote: 'n2', commit: 2 } });
    assert.deepEqual(s.entries(1, 4, Infinity), entries);
    assert.deepEqual([s.term(1), s.term(2), s.term(3)], [1, 1, 2]);
    assert.equal(s.lastIndex(), 3);
    assert.deepEqual(s.initialState().hardState, { term: 2, vote: 'n2', commit: 2 });
  }));

test('entries returns the first entry always, then entries while their payload bytes stay within maxBytes', () =>
  withStore((s) => {
    s.persist({ entries: range(1, 9, 1) }); // payloads 'e1'..'e9': 2 bytes each
    assert.equal(s.entries(1, 10, 0).length, 1);
    assert.equal(s.entries(1, 10, 2).length, 1);
    assert.equal(s.entries(1, 10, 6).length, 3);
    assert.equal(s.entries(1, 10, 7).length, 3);
    assert.equal(s.entries(4, 10, Infinity).length, 6);
    assert.deepEqual(s.entries(4, 6, Infinity).map((e) => e.index), [4, 5]);
    s.persist({ entries: [10, 11, 12].map((index) => ({ index, term: 1, type: 'normal' as const, data: new Uint8Array(0) })) });
    assert.equal(s.entries(10, 13, 0).length, 3, 'empty entries (leader no-ops) always fit');
  }));

test('reads outside the log throw CompactedError below the offset and UnavailableError beyond the end', () =>
  withStore((s) => {
    s.persist({ entries: range(1, 10, 1).concat(range(11, 20, 3)) });
    s.saveSnapshot(snap(12, 3));
    s.compact(12);
    assert.equal(s.firstIndex(), 13);
    assert.equal(s.term(12), 3, 'term(firstIndex - 1) is the compacted entry');
    assert.throws(() => s.term(11), CompactedError);
    assert.throws(() => s.term(21), UnavailableError);
    assert.throws(() => s.entries(12, 14, Infinity), CompactedError);
    assert.throws(() => s.entries(13, 22, Infinity), UnavailableError);
    assert.deepEqual(s.entries(13, 21, Infinity).map((e) => e.index), range(13, 20, 3).map((e) => e.index));
  }));

test('an append that conflicts truncates the old suffix on disk and keeps the prefix', async () => {
  const dir = freshDir();
  const a = openStore(dir, { ...ID, noSync: true });
  a.persist({ entries: range(1, 8, 1) });
  a.persist({ entries: [ent(5, 2, 'new5'), ent(6, 2, 'new6')] });
  await a.close();
  const s = openStore(dir, ID);
  try {
    assert.equal(s.lastIndex(), 6);
    assert.deepEqual(s.entries(1, 7, Infinity).map((e) => [e.index, e.term]), [[1, 1], [2, 1], [3, 1], [4, 1], [5, 2], [6, 2]]);
    assert.equal(new TextDecoder().decode(s.entries(5, 6, Infinity)[0]?.data), 'new5');
    assert.throws(() => s.term(7), UnavailableError);
  } finally {
    await s.close();
  }
});

test('appended entries the log already compacted are skipped', () =>
  withStore((s) => {
    s.persist({ entries: range(1, 6, 1) });
    s.saveSnapshot(snap(4, 1));
    s.compact(4);
    s.persist({ entries: range(3, 8, 1) });
    assert.equal(s.firstIndex(), 5);
    assert.equal(s.lastIndex(), 8);
    s.persist({ entries: range(1, 3, 1) });
    assert.equal(s.lastIndex(), 8, 'an append entirely below the offset changes nothing');
  }));

test('an invalid Ready writes nothing at all: gap, term regression, commit beyond the log', () =>
  withStore((s) => {
    s.persist({ entries: range(1, 3, 2), hardState: { term: 2, vote: 'n1', commit: 1 } });
    const before = { last: s.lastIndex(), hs: s.initialState().hardState };
    assert.throws(() => s.persist({ entries: [ent(5, 2)], hardState: { term: 3, vote: '', commit: 3 } }), isCode('BARN_STORAGE_LOG_GAP'));
    assert.throws(() => s.persist({ entries: [ent(4, 2), ent(6, 2)] }), isCode('BARN_STORAGE_LOG_GAP'));
    assert.throws(() => s.persist({ entries: [ent(4, 1)] }), isCode('BARN_STORAGE_TERM_REGRESSION'));
    assert.throws(() => s.persist({ entries: [ent(4, 2)], hardState: { term: 2, vote: 'n1', commit: 5 } }), isCode('BARN_STORAGE_COMMIT_OUT_OF_RANGE'));
    assert.deepEqual({ last: s.lastIndex(), hs: s.initialState().hardState }, before);
    assert.throws(() => s.entries(4, 5, Infinity), UnavailableError);
  }));

test('a snapshot in a Ready resets the log to it and the entries after it follow in the same write', () =>
  withStore((s) => {
    s.persist({ entries: range(1, 5, 1) });
    s.persist({ snapshot: snap(20, 4, 'leader state'), entries: range(21, 22, 4), hardState: { term: 4, vote: '', commit: 20 } });
    assert.equal(s.firstIndex(), 21);
    assert.equal(s.lastIndex(), 22);
    assert.equal(s.term(20), 4);
    assert.throws(() => s.term(5), CompactedError);
    assert.deepEqual(s.initialState().confState, CONF);
    assert.equal(new TextDecoder().decode(s.snapshot().data), 'leader state');
    assert.throws(() => s.persist({ entries: [], snapshot: snap(15, 4) }), isCode('RAFT_SNAP_OUT_OF_DATE'));
    assert.equal(s.lastIndex(), 22);
  }));

test('compaction needs a snapshot that covers it, and is idempotent', () =>
  withStore((s) => {
    s.persist({ entries: range(1, 10, 1) });
    assert.throws(() => s.compact(5), isCode('BARN_STORAGE_COMPACT_OUT_OF_RANGE'));
    assert.throws(() => s.saveSnapshot(snap(11, 1)), isCode('BARN_STORAGE_SNAPSHOT_INVALID'));
    assert.throws(() => s.saveSnapshot(snap(6, 2)), isCode('BARN_STORAGE_SNAPSHOT_INVALID'));
    s.saveSnapshot(snap(6, 1));
    assert.throws(() => s.saveSnapshot(snap(6, 1)), isCode('RAFT_SNAP_OUT_OF_DATE'));
    assert.equal(s.firstIndex(), 1, 'saving a snapshot does not compact');
    s.compact(4);
    s.compact(4);
    s.compact(2);
    assert.equal(s.firstIndex(), 5);
    assert.equal(s.term(4), 1);
    assert.throws(() => s.compact(7), isCode('BARN_STORAGE_COMPACT_OUT_OF_RANGE'));
  }));

test('reopening after close gives exactly the same state', async () => {
  const dir = freshDir();
  const a = openStore(dir, ID);
  a.persist({ entries: range(1, 30, 1).concat(range(31, 60, 2), range(61, 90, 5)), hardState: { term: 5, vote: 'n3', commit: 70 } });
  a.saveSnapshot(snap(40, 2, 'sm@40'));
  a.compact(35);
  a.persist({ entries: [ent(85, 6, 'rewritten')] });
  a.kv.write((w) => {
    w.putRecord({ key: 'a', value: { x: 1 }, createRevision: 1, modRevision: 1, version: 1 });
    w.setRevision(1);
    w.setAppliedIndex(70);
  });
  const read = (s: LmdbStore) => ({
    first: s.firstIndex(),
    last: s.lastIndex(),
    terms: Array.from({ length: s.lastIndex() - s.firstIndex() + 2 }, (_, k) => s.term(s.firstIndex() - 1 + k)),
    entries: s.entries(s.firstIndex(), s.lastIndex() + 1, Infinity),
    initial: s.initialState(),
    snapshot: s.snapshot(),
    kv: [s.kv.range('', undefined), s.kv.revision(), s.kv.appliedIndex()],
  });
  const before = read(a);
  await a.close();
  const b = openStore(dir, ID);
  try {
    assert.deepEqual(read(b), before);
    assert.equal(before.last, 85);
    assert.equal(before.first, 36);
  } finally {
    await b.close();
  }
});

/** The env file's size, mtime and the hash of its first 16 MiB (it is sparse, at the map's size; this env's
 * pages are all in its first MiB). */
function dataHash(dir: string): string {
  const path = join(dir, 'data.mdb');
  const st = statSync(path);
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(Math.min(st.size, 16 * 1024 ** 2));
    readSync(fd, head, 0, head.length, 0);
    return `${st.size}:${st.mtimeMs}:${createHash('sha256').update(head).digest('hex')}`;
  } finally {
    closeSync(fd);
  }
}

test('a data dir of another cluster or node is rejected with a clear error and left unchanged', async () => {
  const dir = freshDir();
  const a = openStore(dir, ID);
  a.persist({ entries: range(1, 5, 1), hardState: { term: 1, vote: 'n1', commit: 5 } });
  await a.close();
  const hash = dataHash(dir);
  const listing = readdirSync(dir).sort();
  for (const other of [{ clusterId: 'c-other', nodeId: 'n1' }, { clusterId: 'c-test', nodeId: 'n2' }]) {
    assert.throws(
      () => openStore(dir, other),
      (e: unknown) =>
        isRuninkError(e, 'BARN_STORAGE_CLUSTER_MISMATCH') &&
        e.message.includes('belongs to cluster "c-test" as node "n1"') &&
        e.message.includes('Nothing was changed') &&
        e.data['clusterId'] === 'c-test',
    );
    assert.equal(dataHash(dir), hash);
    assert.deepEqual(readdirSync(dir).sort(), listing);
  }
  const b = openStore(dir, ID);
  try {
    assert.equal(b.lastIndex(), 5);
  } finally {
    await b.close();
  }
});

test('a dir can be open once: a second open is LOCKED, a dead owner lock is taken over', async () => {
  const dir = freshDir();
  const a = openStore(dir, ID);
  assert.throws(() => openStore(dir, ID), isCode('BARN_STORAGE_LOCKED'));
  await a.close();
  writeFileSync(join(dir, LOCK_FILE), '2147483646\n'); // no such pid
  const b = openStore(dir, ID);
  assert.equal(b.lastIndex(), 0);
  await b.close();
  assert.ok(!readdirSync(dir).includes(LOCK_FILE), 'close removes the lock file');
});

test('a closed store refuses every call', async () => {
  const dir = freshDir();
  const s = openStore(dir, ID);
  await s.close();
  await s.close();
  for (const call of [() => s.lastIndex(), () => s.term(0), () => s.persist({ entries: [ent(1, 1)] }), () => s.kv.get('a')]) {
    assert.throws(call, isCode('BARN_STORAGE_CLOSED'));
  }
});

test('a long log with many terms answers term() after reopen without scanning it', async () => {
  const dir = freshDir();
  const a = openStore(dir, { ...ID, noSync: true });
  const expected: number[] = [];
  let index = 1;
  for (let term = 1; term <= 40; term++) {
    const batch = range(index, index + 99, term);
    a.persist({ entries: batch });
    for (const _ of batch) expected.push(term);
    index += 100;
  }
  await a.close();
  const b = openStore(dir, ID);
  try {
    assert.equal(b.lastIndex(), 4000);
    for (let i = 1; i <= 4000; i += 37) assert.equal(b.term(i), expected[i - 1]);
    assert.equal(b.term(4000), 40);
  } finally {
    await b.close();
  }
});

test('a fresh store records the bootstrap configuration once; a reopen keeps what is on disk', async () => {
  const dir = freshDir();
  const a = openStore(dir, { ...ID, initialConfState: CONF });
  assert.deepEqual(a.initialState().confState, CONF);
  assert.deepEqual(a.snapshot().metadata, { index: 0, term: 0, confState: CONF });
  a.kv.write((w) => w.setConfState({ ...CONF, learners: ['n4'] }));
  await a.close();
  const b = openStore(dir, { ...ID, initialConfState: { ...CONF, voters: ['x'] } });
  try {
    assert.deepEqual(b.initialState().confState.learners, ['n4']);
    assert.deepEqual(b.snapshot().metadata.confState, CONF);
  } finally {
    await b.close();
  }
});

test('createSnapshot takes the term from the log and the current configuration by default', () =>
  withStore((s) => {
    s.persist({ entries: range(1, 4, 1).concat(range(5, 8, 2)) });
    const taken = s.createSnapshot(6, undefined, new Uint8Array([1]));
    assert.deepEqual(taken.metadata, { index: 6, term: 2, confState: s.initialState().confState });
    assert.deepEqual(s.snapshot(), taken);
    assert.throws(() => s.createSnapshot(5, undefined, new Uint8Array()), isCode('RAFT_SNAP_OUT_OF_DATE'));
    assert.throws(() => s.createSnapshot(9, CONF, new Uint8Array()), isCode('BARN_STORAGE_SNAPSHOT_INVALID'));
    assert.deepEqual(s.entries(5, 4, Infinity), [], 'an empty or inverted range is no entries');
  }));

test('openStore rejects empty ids', () => {
  assert.throws(() => openStore(freshDir(), { clusterId: '', nodeId: 'n1' }), isCode('BARN_STORAGE_INVALID_OPTIONS'));
});

test('only entries, a snapshot or a new term or vote are written durably; a commit-only Ready is deferred and reopens exactly', async () => {
  const dir = freshDir();
  let store = openStore(dir, ID);
  const apply = (index: number) => (w: Parameters<Parameters<LmdbStore['persistAndApply']>[1]>[0]) => {
    w.setRevision(index);
    w.setAppliedIndex(index);
  };
  assert.equal(store.persistAndApply({ entries: range(1, 3, 1), hardState: { term: 1, vote: 'n1', commit: 0 } }, () => undefined).durable, true);
  assert.equal(store.persistAndApply({ entries: [], hardState: { term: 1, vote: 'n1', commit: 2 } }, apply(2)).durable, false);
  assert.equal(store.persistAndApply({ entries: [], hardState: { term: 2, vote: '', commit: 2 } }, () => undefined).durable, true, 'a new term');
  assert.equal(store.persistAndApply({ entries: [], hardState: { term: 2, vote: 'n2', commit: 2 } }, () => undefined).durable, true, 'a vote');
  assert.equal(store.persistAndApply({ entries: [], hardState: { term: 2, vote: 'n2', commit: 3 } }, apply(3)).durable, false);
  assert.deepEqual(store.writes, { durable: 3, deferred: 2 });
  await store.close();
  store = openStore(dir, ID);
  try {
    assert.deepEqual(store.hardState(), { term: 2, vote: 'n2', commit: 3 });
    assert.equal(store.kv.appliedIndex(), 3);
    assert.equal(store.lastIndex(), 3);
  } finally {
    await store.close();
  }
});

function snapshotFiles(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.startsWith('snapshot-')).sort();
}

test('a snapshot lives in one file next to the env: each new one (saved, created, installed by a Ready) replaces the previous file, and a reopen reads it back', async () => {
  const dir = freshDir();
  const a = openStore(dir, ID);
  a.persist({ entries: range(1, 30, 1), hardState: { term: 1, vote: 'n1', commit: 30 } });
  a.saveSnapshot(snap(10, 1, 'sm@10'));
  assert.deepEqual(snapshotFiles(dir), [`snapshot-${'10'.padStart(20, '0')}.snap`]);
  const { metadata } = a.createSnapshot(20, CONF, new TextEncoder().encode('sm@20'));
  assert.deepEqual(metadata, { index: 20, term: 1, confState: CONF });
  assert.equal(new TextDecoder().decode(a.snapshot().data), 'sm@20');
  assert.deepEqual(snapshotFiles(dir), [`snapshot-${'20'.padStart(20, '0')}.snap`]);
  a.persist({ snapshot: snap(40, 2, 'leader@40'), entries: range(41, 42, 2), hardState: { term: 2, vote: '', commit: 40 } });
  assert.deepEqual(snapshotFiles(dir), [`snapshot-${'40'.padStart(20, '0')}.snap`]);
  assert.throws(() => a.persist({ entries: [], snapshot: snap(45, 2), hardState: { term: 2, vote: '', commit: 99 } }), isCode('BARN_STORAGE_COMMIT_OUT_OF_RANGE'));
  assert.equal(new TextDecoder().decode(a.snapshot().data), 'leader@40', 'a rejected install leaves the committed snapshot current');
  await a.close();
  const b = openStore(dir, ID);
  try {
    assert.deepEqual(snapshotFiles(dir), [`snapshot-${'40'.padStart(20, '0')}.snap`], 'the rejected install left no file behind after a reopen');
    assert.deepEqual(b.snapshot(), snap(40, 2, 'leader@40'));
  } finally {
    await b.close();
  }
});

test('snapshot files a crash left behind (never committed, not yet removed, half written) are removed on open; the committed one is read', async () => {
  const dir = freshDir();
  const a = openStore(dir, ID);
  a.persist({ entries: range(1, 30, 1), hardState: { term: 1, vote: 'n1', commit: 30 } });
  a.saveSnapshot(snap(20, 1, 'sm@20'));
  await a.close();
  const name = (i: number): string => `snapshot-${String(i).padStart(20, '0')}.snap`;
  writeFileSync(join(dir, name(10)), 'older, not yet removed');
  writeFileSync(join(dir, name(25)), 'newer, metadata never committed');
  writeFileSync(join(dir, `${name(30)}.tmp`), 'half written');
  const b = openStore(dir, ID);
  try {
    assert.deepEqual(snapshotFiles(dir), [name(20)]);
    assert.deepEqual(b.snapshot(), snap(20, 1, 'sm@20'));
  } finally {
    await b.close();
  }
});

test('a missing snapshot file is reported as corruption, not as an empty snapshot', async () => {
  const dir = freshDir();
  const a = openStore(dir, { ...ID, noSync: true });
  try {
    a.persist({ entries: range(1, 5, 1), hardState: { term: 1, vote: 'n1', commit: 5 } });
    a.saveSnapshot(snap(5, 1));
    rmSync(join(dir, `snapshot-${'5'.padStart(20, '0')}.snap`));
    assert.throws(() => a.snapshot(), isCode('BARN_STORAGE_CORRUPT'));
  } finally {
    await a.close();
  }
});
