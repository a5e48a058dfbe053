import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStorage } from './memory-storage.ts';
import { RaftLog } from './raft-log.ts';
import { entry, storageWithTerms } from './raft-test-util.ts';
import { EMPTY_CONF_STATE } from './conf-state.ts';

function logWith(terms: number[]): RaftLog {
  const log = new RaftLog(new MemoryStorage(), Number.MAX_SAFE_INTEGER);
  log.append(terms.map((t, i) => entry(t, i + 1)));
  return log;
}

test('findConflict returns the first index whose term differs or is missing, 0 when all match', () => {
  const log = logWith([1, 2, 3]);
  assert.equal(log.findConflict([]), 0);
  assert.equal(log.findConflict([entry(1, 1), entry(2, 2)]), 0);
  assert.equal(log.findConflict([entry(2, 2), entry(3, 3), entry(4, 4)]), 4);
  assert.equal(log.findConflict([entry(1, 1), entry(4, 2)]), 2);
});

test('findConflictByTerm skips back over entries of larger terms', () => {
  const log = logWith([1, 1, 2, 2, 5, 5]);
  assert.deepEqual(log.findConflictByTerm(6, 4), { index: 4, term: 2 });
  assert.deepEqual(log.findConflictByTerm(6, 5), { index: 6, term: 5 });
  assert.deepEqual(log.findConflictByTerm(6, 1), { index: 2, term: 1 });
  assert.deepEqual(log.findConflictByTerm(6, 0), { index: 0, term: 0 });
});

test('maybeAppend appends after a matching entry, truncates conflicts and advances commit to the last new index', () => {
  const log = logWith([1, 2, 3]);
  assert.equal(log.maybeAppend(3, 2, 5, [entry(4, 4)]), undefined); // (3, 2) does not match
  assert.equal(log.maybeAppend(1, 1, 10, [entry(4, 2), entry(4, 3)]), 3);
  assert.deepEqual(log.allEntries().map((e) => e.term), [1, 4, 4]);
  assert.equal(log.committed, 3);
});

test('maybeAppend refuses to overwrite a committed entry', () => {
  const log = logWith([1, 2, 3]);
  log.commitTo(3);
  assert.throws(() => log.maybeAppend(1, 1, 3, [entry(9, 2)]), /conflicts with committed entry/);
});

test('maybeCommit only commits an entry of the given term', () => {
  const log = logWith([1, 1, 2]);
  assert.equal(log.maybeCommit(2, 2), false);
  assert.equal(log.committed, 0);
  assert.equal(log.maybeCommit(3, 2), true);
  assert.equal(log.committed, 3);
});

test('isUpToDate compares last term first, then length', () => {
  const log = logWith([1, 2, 2]);
  assert.equal(log.isUpToDate(3, 2), true);
  assert.equal(log.isUpToDate(2, 2), false);
  assert.equal(log.isUpToDate(1, 3), true);
  assert.equal(log.isUpToDate(9, 1), false);
});

test('slice spans stable and unstable entries and respects maxBytes', () => {
  const storage = storageWithTerms([], [1, 1]);
  const log = new RaftLog(storage, Number.MAX_SAFE_INTEGER);
  log.append([entry(1, 3, 'ccc'), entry(1, 4, 'dddd')]);
  assert.deepEqual(log.slice(1, 5, 100)?.map((e) => e.index), [1, 2, 3, 4]);
  assert.deepEqual(log.slice(2, 5, 3)?.map((e) => e.index), [2, 3]);
  assert.deepEqual(log.slice(3, 5, 3)?.map((e) => e.index), [3]);
});

test('reads below the first index report compaction as undefined', () => {
  const storage = new MemoryStorage();
  storage.applySnapshot({ metadata: { index: 5, term: 2, confState: EMPTY_CONF_STATE }, data: new Uint8Array() });
  const log = new RaftLog(storage, 100);
  assert.equal(log.entries(3, 100), undefined);
  assert.equal(log.term(5), 2);
  assert.equal(log.committed, 5);
  assert.equal(log.applied, 5);
});

test('stableTo drops persisted unstable entries unless the entry was replaced meanwhile', () => {
  const log = logWith([1, 1]);
  log.stableTo(2, 9); // wrong term: stale report
  assert.equal(log.unstableEntries().length, 2);
  log.stableTo(1, 1);
  assert.deepEqual(log.unstableEntries().map((e) => e.index), [2]);
});

test('nextCommittedEntries hands out committed, unapplied entries, limited in bytes', () => {
  const log = new RaftLog(new MemoryStorage(), 2);
  log.append([entry(1, 1, 'aa'), entry(1, 2, 'bb'), entry(1, 3, 'cc')]);
  log.commitTo(3);
  assert.deepEqual(log.nextCommittedEntries().map((e) => e.index), [1]);
  log.appliedTo(1);
  assert.deepEqual(log.nextCommittedEntries().map((e) => e.index), [2]);
  assert.equal(log.hasNextCommittedEntries(), true);
});
