import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStorage, SnapshotOutOfDateError } from './memory-storage.ts';
import { entry } from './raft-test-util.ts';
import { CompactedError, UnavailableError } from './storage.ts';
import { EMPTY_CONF_STATE } from './conf-state.ts';

function storage35(): MemoryStorage {
  // entries 3, 4, 5 after a snapshot at 3 (term 3)
  const s = new MemoryStorage();
  s.applySnapshot({ metadata: { index: 3, term: 3, confState: EMPTY_CONF_STATE }, data: new Uint8Array() });
  s.append([entry(4, 4, 'aa'), entry(5, 5, 'bb')]);
  return s;
}

test('first and last index follow the snapshot and the appended entries', () => {
  const s = storage35();
  assert.equal(s.firstIndex(), 4);
  assert.equal(s.lastIndex(), 5);
  assert.equal(s.term(3), 3);
  assert.equal(s.term(5), 5);
});

test('reading compacted or missing entries throws CompactedError / UnavailableError', () => {
  const s = storage35();
  assert.throws(() => s.term(2), CompactedError);
  assert.throws(() => s.term(6), UnavailableError);
  assert.throws(() => s.entries(3, 5, 100), CompactedError);
  assert.throws(() => s.entries(4, 7, 100), UnavailableError);
});

test('entries are limited by maxBytes but always return at least one', () => {
  const s = storage35();
  assert.deepEqual(s.entries(4, 6, 100).map((e) => e.index), [4, 5]);
  assert.deepEqual(s.entries(4, 6, 2).map((e) => e.index), [4]);
  assert.deepEqual(s.entries(4, 6, 0).map((e) => e.index), [4]);
});

test('append truncates a conflicting suffix and ignores already compacted entries', () => {
  const s = storage35();
  s.append([entry(3, 3), entry(6, 4), entry(6, 5), entry(6, 6)]);
  assert.deepEqual([4, 5, 6].map((i) => s.term(i)), [6, 6, 6]);
  s.append([entry(7, 5)]);
  assert.equal(s.lastIndex(), 5);
  assert.equal(s.term(5), 7);
});

test('appending with a gap after the last index is an invariant violation', () => {
  const s = storage35();
  assert.throws(() => s.append([entry(5, 7)]), /missing log entry/);
});

test('compact keeps the compaction point as the new dummy entry', () => {
  const s = storage35();
  s.compact(4);
  assert.equal(s.firstIndex(), 5);
  assert.equal(s.term(4), 4);
  assert.throws(() => s.compact(4), CompactedError);
});

test('createSnapshot records term and configuration; older snapshots are refused', () => {
  const s = storage35();
  const cs = { ...EMPTY_CONF_STATE, voters: ['1'] };
  const snap = s.createSnapshot(5, cs, new Uint8Array([1]));
  assert.equal(snap.metadata.term, 5);
  assert.deepEqual(s.initialState().confState, cs);
  assert.throws(() => s.createSnapshot(4, cs, new Uint8Array()), SnapshotOutOfDateError);
  assert.throws(() => s.applySnapshot({ metadata: { index: 2, term: 2, confState: cs }, data: new Uint8Array() }), SnapshotOutOfDateError);
});

test('applySnapshot replaces the whole log', () => {
  const s = storage35();
  s.applySnapshot({ metadata: { index: 10, term: 7, confState: EMPTY_CONF_STATE }, data: new Uint8Array() });
  assert.equal(s.firstIndex(), 11);
  assert.equal(s.lastIndex(), 10);
  assert.equal(s.term(10), 7);
});
