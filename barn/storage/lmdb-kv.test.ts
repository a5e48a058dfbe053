import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isRuninkError } from '../../common/error.ts';
import type { KvEvent, KvRecord, KvWriter } from '../state/backend.ts';
import { MAX_KEY_BYTES } from './lmdb-kv.ts';
import { openStore, type LmdbStore } from './lmdb-store.ts';

const root = mkdtempSync(join(tmpdir(), 'runink-barn-kv-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const ID = { clusterId: 'c-kv', nodeId: 'n1' };

async function withStore(fn: (s: LmdbStore, dir: string) => void | Promise<void>): Promise<void> {
  const dir = join(root, `kv-${++dirs}`);
  const s = openStore(dir, { ...ID, noSync: true });
  try {
    await fn(s, dir);
  } finally {
    await s.close();
  }
}

function isCode(code: string): (e: unknown) => boolean {
  return (e) => isRuninkError(e, code);
}

function rec(key: string, rev: number, value: unknown = { rev }): KvRecord {
  return { key, value, createRevision: rev, modRevision: rev, version: 1 };
}

/** Applies puts the way a state machine would: one revision per put, an event each, the applied index last. */
function applyPuts(w: KvWriter, keys: string[], appliedIndex: number): void {
  let rev = w.revision();
  for (const key of keys) {
    rev++;
    const record = rec(key, rev);
    w.putRecord(record);
    w.appendEvent({ type: 'put', revision: rev, record });
  }
  w.setRevision(rev);
  w.setAppliedIndex(appliedIndex);
}

test('records round-trip and ranges follow UTF-8 byte order, including the empty key', () =>
  withStore((s) => {
    const keys = ['b', '', 'a/1', 'a/2', '\u{1F600}', '\uFFFD', 'a'];
    s.kv.write((w) => applyPuts(w, keys, 1));
    const bytewise = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    assert.deepEqual(s.kv.range('', undefined).map((r) => r.key), bytewise);
    assert.ok(bytewise.indexOf('\uFFFD') < bytewise.indexOf('\u{1F600}'), 'byte order differs from UTF-16 order here');
    assert.deepEqual(s.kv.range('a/', 'a0').map((r) => r.key), ['a/1', 'a/2']);
    assert.deepEqual(s.kv.range('a', undefined, 2).map((r) => r.key), ['a', 'a/1']);
    assert.deepEqual(s.kv.range('b', 'a'), []);
    assert.deepEqual(s.kv.get('a/2'), rec('a/2', 4));
    assert.equal(s.kv.get('missing'), undefined);
    assert.equal(s.kv.revision(), keys.length);
    assert.equal(s.kv.appliedIndex(), 1);
  }));

test('a write whose callback throws leaves records, history and counters untouched', () =>
  withStore((s) => {
    s.kv.write((w) => applyPuts(w, ['keep'], 1));
    assert.throws(
      () =>
        s.kv.write((w) => {
          applyPuts(w, ['lost-1', 'lost-2'], 2);
          w.deleteKey('keep');
          w.compactHistory(2);
          assert.equal(w.get('lost-1')?.key, 'lost-1', 'the writer reads its own writes');
          throw new Error('apply failed');
        }),
      /apply failed/,
    );
    assert.deepEqual(s.kv.range('', undefined).map((r) => r.key), ['keep']);
    assert.equal(s.kv.revision(), 1);
    assert.equal(s.kv.appliedIndex(), 1);
    assert.equal(s.kv.compactedRevision(), 0);
    assert.equal(s.kv.history('', undefined, 0).length, 1);
  }));

test('an async write callback is refused and nothing it wrote before returning is kept', () =>
  withStore((s) => {
    assert.throws(
      () =>
        s.kv.write(async (w) => {
          w.putRecord(rec('x', 1));
        }),
      isCode('BARN_STORAGE_ASYNC_WRITE'),
    );
    assert.equal(s.kv.get('x'), undefined);
  }));

test('a writer cannot be used after its transaction and writes cannot nest', () =>
  withStore((s) => {
    let leaked: KvWriter | undefined;
    s.kv.write((w) => {
      leaked = w;
      assert.throws(() => s.kv.write(() => 1), isCode('BARN_STORAGE_NESTED_WRITE'));
      assert.throws(() => s.persist({ entries: [{ index: 1, term: 1, type: 'normal', data: new Uint8Array(0) }] }), isCode('BARN_STORAGE_NESTED_WRITE'));
    });
    assert.throws(() => leaked?.putRecord(rec('late', 1)), isCode('BARN_STORAGE_WRITER_CLOSED'));
    assert.throws(() => leaked?.get('late'), isCode('BARN_STORAGE_WRITER_CLOSED'));
    assert.equal(s.kv.get('late'), undefined);
    assert.equal(s.lastIndex(), 0);
  }));

test('history keeps every event of a revision in order and filters by key range, revision and limit', () =>
  withStore((s) => {
    s.kv.write((w) => {
      // one transaction-revision touching three keys, then a delete
      for (const key of ['p/a', 'q/b', 'p/c']) w.appendEvent({ type: 'put', revision: 1, record: rec(key, 1) });
      w.appendEvent({ type: 'delete', revision: 2, record: rec('p/a', 1) });
      w.setRevision(2);
    });
    s.kv.write((w) => w.appendEvent({ type: 'put', revision: 2, record: rec('p/z', 2) }));
    const all = s.kv.history('', undefined, 0);
    assert.deepEqual(all.map((e) => [e.revision, e.type, e.record.key]), [
      [1, 'put', 'p/a'],
      [1, 'put', 'q/b'],
      [1, 'put', 'p/c'],
      [2, 'delete', 'p/a'],
      [2, 'put', 'p/z'],
    ]);
    assert.deepEqual(s.kv.history('p/', 'p0', 0).map((e) => e.record.key), ['p/a', 'p/c', 'p/a', 'p/z']);
    assert.deepEqual(s.kv.history('p/', 'p0', 2).map((e) => e.type), ['delete', 'put']);
    assert.equal(s.kv.history('', undefined, 0, 2).length, 2);
    assert.deepEqual(s.kv.history('', undefined, 3), []);
  }));

test('compacting history drops older events, remembers the point and refuses reads below it', () =>
  withStore((s) => {
    s.kv.write((w) => applyPuts(w, ['a', 'b', 'c', 'd'], 4));
    s.kv.write((w) => w.compactHistory(3));
    assert.equal(s.kv.compactedRevision(), 3);
    assert.deepEqual(s.kv.history('', undefined, 3).map((e: KvEvent) => e.revision), [3, 4]);
    assert.throws(
      () => s.kv.history('', undefined, 2),
      (e: unknown) => isRuninkError(e, 'BARN_COMPACTED') && e.data['compactedRevision'] === 3,
    );
    assert.equal(s.kv.range('', undefined).length, 4, 'records are not history');
    s.kv.write((w) => w.compactHistory(2));
    assert.equal(s.kv.compactedRevision(), 2, 'the point is set exactly, even backwards (as MemoryBackend does)');
    assert.deepEqual(s.kv.history('', undefined, 2).map((e: KvEvent) => e.revision), [3, 4], 'dropped events stay dropped');
  }));

test('events must come in revision order, also across transactions and after compaction', () =>
  withStore((s) => {
    s.kv.write((w) => applyPuts(w, ['a', 'b', 'c'], 3));
    assert.throws(() => s.kv.write((w) => w.appendEvent({ type: 'put', revision: 2, record: rec('x', 2) })), isCode('BARN_STORAGE_HISTORY_ORDER'));
    s.kv.write((w) => w.appendEvent({ type: 'put', revision: 3, record: rec('d', 3) }));
    // a snapshot restore: drop all history, then re-add older events
    s.kv.write((w) => {
      w.compactHistory(10);
      w.appendEvent({ type: 'put', revision: 1, record: rec('r', 1) });
      w.compactHistory(1);
    });
    assert.deepEqual(s.kv.history('', undefined, 1).map((e) => e.record.key), ['r']);
    assert.equal(s.kv.compactedRevision(), 1);
  }));

test('KV state and the conf state survive a reopen', async () => {
  const dir = join(root, 'kv-reopen');
  const a = openStore(dir, ID);
  const conf = { voters: ['n1', 'n2'], learners: ['n3'], votersOutgoing: [], learnersNext: [], autoLeave: false };
  a.kv.write((w) => {
    applyPuts(w, ['x', 'y'], 9);
    w.setConfState(conf);
    w.compactHistory(2);
  });
  await a.close();
  const b = openStore(dir, ID);
  try {
    assert.deepEqual(b.kv.range('', undefined), [rec('x', 1), rec('y', 2)]);
    assert.deepEqual([b.kv.revision(), b.kv.appliedIndex(), b.kv.compactedRevision()], [2, 9, 2]);
    assert.deepEqual(b.initialState().confState, conf);
    assert.equal(b.kv.history('', undefined, 2).length, 1);
  } finally {
    await b.close();
  }
});

test('a key longer than the limit is refused with its size', () =>
  withStore((s) => {
    const long = 'k'.repeat(MAX_KEY_BYTES + 1);
    assert.throws(() => s.kv.write((w) => w.putRecord(rec(long, 1))), (e: unknown) => isRuninkError(e, 'BARN_STORAGE_KEY_TOO_LARGE') && e.data['bytes'] === MAX_KEY_BYTES + 1);
    s.kv.write((w) => w.putRecord(rec('k'.repeat(MAX_KEY_BYTES), 1)));
    assert.equal(s.kv.range('', undefined).length, 1);
  }));

test('deleting a key removes its record and deleting a missing key is harmless', () =>
  withStore((s) => {
    s.kv.write((w) => applyPuts(w, ['a', 'b'], 1));
    s.kv.write((w) => {
      w.deleteKey('a');
      w.deleteKey('never');
    });
    assert.deepEqual(s.kv.range('', undefined).map((r) => r.key), ['b']);
  }));
