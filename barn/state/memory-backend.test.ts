import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRuninkError } from '../../common/error.ts';
import type { KvRecord } from './backend.ts';
import { MemoryBackend } from './memory-backend.ts';

const rec = (key: string, value: unknown, rev: number, version = 1): KvRecord => ({
  key,
  value,
  createRevision: rev - version + 1,
  modRevision: rev,
  version,
});

function seeded(): MemoryBackend {
  const b = new MemoryBackend();
  b.write((w) => {
    for (const [i, key] of ['/b', '/a', '/c/1', '/c/2'].entries()) {
      w.putRecord(rec(key, i, i + 1));
      w.appendEvent({ type: 'put', revision: i + 1, record: rec(key, i, i + 1) });
    }
    w.setRevision(4);
    w.setAppliedIndex(4);
  });
  return b;
}

test('a write that throws leaves no trace: records, history, revision and applied index are unchanged', () => {
  const b = seeded();
  const before = { records: b.range('', undefined), history: b.history('', undefined, 0), rev: b.revision(), applied: b.appliedIndex() };
  assert.throws(
    () =>
      b.write((w) => {
        w.putRecord(rec('/z', 'new', 5));
        w.deleteKey('/a');
        w.appendEvent({ type: 'put', revision: 5, record: rec('/z', 'new', 5) });
        w.setRevision(5);
        w.setAppliedIndex(9);
        w.compactHistory(3);
        throw new Error('disk full');
      }),
    /disk full/,
  );
  assert.deepEqual(
    { records: b.range('', undefined), history: b.history('', undefined, 0), rev: b.revision(), applied: b.appliedIndex() },
    before,
  );
  assert.equal(b.compactedRevision(), 0);
});

test('inside a write the transaction sees its own writes; outside, readers see only committed data', () => {
  const b = seeded();
  b.write((w) => {
    w.putRecord(rec('/a0', 'x', 5));
    w.deleteKey('/b');
    assert.deepEqual(w.range('/a', '/c').map((r) => r.key), ['/a', '/a0']);
    assert.equal(w.get('/b'), undefined);
    assert.equal(b.get('/b')?.value, 0, 'the committed view is untouched until commit');
    assert.equal(b.get('/a0'), undefined);
  });
  assert.deepEqual(b.range('', undefined).map((r) => r.key), ['/a', '/a0', '/c/1', '/c/2']);
});

test('range returns keys in byte order, honours [start, end) and the limit', () => {
  const b = seeded();
  assert.deepEqual(b.range('', undefined).map((r) => r.key), ['/a', '/b', '/c/1', '/c/2']);
  assert.deepEqual(b.range('/b', '/c/2').map((r) => r.key), ['/b', '/c/1']);
  assert.deepEqual(b.range('/a', undefined, 2).map((r) => r.key), ['/a', '/b']);
  assert.deepEqual(b.range('/d', undefined), []);
  assert.deepEqual(b.range('/c/2', '/c/1'), []);
});

test('history filters by key range and revision, and refuses revisions below the compaction point', () => {
  const b = seeded();
  assert.deepEqual(b.history('/c/', '/c0', 0).map((e) => e.revision), [3, 4]);
  assert.deepEqual(b.history('', undefined, 2, 2).map((e) => e.revision), [2, 3]);
  b.write((w) => w.compactHistory(3));
  assert.equal(b.compactedRevision(), 3);
  assert.deepEqual(b.history('', undefined, 3).map((e) => e.revision), [3, 4]);
  assert.throws(
    () => b.history('', undefined, 2),
    (e: unknown) => isRuninkError(e, 'BARN_COMPACTED') && e.data['compactedRevision'] === 3,
  );
});

test('compactHistory sets the compaction point exactly, even below the current one', () => {
  const b = seeded();
  b.write((w) => {
    w.compactHistory(100);
    assert.deepEqual(w.history('', undefined, 100), []);
    w.appendEvent({ type: 'put', revision: 7, record: rec('/q', 1, 7) });
    w.compactHistory(6);
  });
  assert.equal(b.compactedRevision(), 6);
  assert.deepEqual(b.history('', undefined, 6).map((e) => e.record.key), ['/q']);
});

test('events must be appended in revision order', () => {
  const b = seeded();
  assert.throws(() => b.write((w) => w.appendEvent({ type: 'put', revision: 2, record: rec('/a', 1, 2) })), /revision order/);
  assert.equal(b.history('', undefined, 0).length, 4);
});

test('stored values are frozen copies: mutating the input or the output cannot change the store', () => {
  const b = new MemoryBackend();
  const value = { list: [1, 2] };
  b.write((w) => w.putRecord(rec('/v', value, 1)));
  value.list.push(3);
  const stored = b.get('/v')!.value as { list: number[] };
  assert.deepEqual(stored, { list: [1, 2] });
  assert.throws(() => stored.list.push(4), TypeError);
});

test('nested and asynchronous write transactions are refused', () => {
  const b = new MemoryBackend();
  assert.throws(() => b.write(() => b.write(() => 1)), /nested/);
  assert.throws(() => b.write(async () => 1), /synchronous/);
  assert.equal(b.write(() => 'still usable'), 'still usable');
});
