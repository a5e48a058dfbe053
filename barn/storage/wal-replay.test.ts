import assert from 'node:assert/strict';
import test from 'node:test';
import { isRuninkError } from '../../common/error.ts';
import type { ConfState, Entry, SnapshotMetadata } from '../raft/types.ts';
import type { WalRecord } from './wal-codec.ts';
import { replayRecords } from './wal-replay.ts';
import { ent, range } from './test-entries.ts';

const SEGMENT = '/data/wal-00000000000000000001.log';
const CONF: ConfState = { voters: ['n1', 'n2', 'n3'], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };
const HEADER: WalRecord = { type: 'header', header: { format: 1, clusterId: 'c-test', nodeId: 'n1', seq: 1 } };

function meta(index: number, term: number): SnapshotMetadata {
  return { index, term, confState: CONF };
}

const entries = (es: Entry[]): WalRecord => ({ type: 'entries', entries: es });
const snapshot = (index: number, term: number): WalRecord => ({ type: 'snapshot', metadata: meta(index, term) });

test('a segment replays to its header, snapshot, hard state and contiguous entries', () => {
  const s = replayRecords([HEADER, snapshot(0, 0), { type: 'hard-state', hardState: { term: 1, vote: 'n1', commit: 0 } }, entries(range(1, 3, 1)), entries(range(4, 5, 1))], SEGMENT);
  assert.deepEqual(s.header, HEADER.type === 'header' ? HEADER.header : undefined);
  assert.deepEqual(s.snapshot, meta(0, 0));
  assert.deepEqual(s.hardState, { term: 1, vote: 'n1', commit: 0 });
  assert.deepEqual(s.entries, range(1, 5, 1));
});

test('an entries record starting inside the log replaces the conflicting suffix', () => {
  const s = replayRecords([HEADER, snapshot(0, 0), entries(range(1, 6, 1)), entries(range(4, 5, 2))], SEGMENT);
  assert.deepEqual(s.entries, [...range(1, 3, 1), ...range(4, 5, 2)]);
  // Replacing from the very first entry.
  const t = replayRecords([HEADER, snapshot(0, 0), entries(range(1, 3, 1)), entries(range(1, 1, 3))], SEGMENT);
  assert.deepEqual(t.entries, range(1, 1, 3));
});

test('a snapshot record drops the entries it covers and keeps the ones after it', () => {
  const s = replayRecords([HEADER, snapshot(0, 0), entries(range(1, 8, 2)), snapshot(5, 2)], SEGMENT);
  assert.deepEqual(s.snapshot, meta(5, 2));
  assert.deepEqual(s.entries, range(6, 8, 2));
  // Entries appended after it continue from there; ones at or below the snapshot index are ignored.
  const t = replayRecords([HEADER, snapshot(0, 0), entries(range(1, 8, 2)), snapshot(5, 2), entries(range(4, 9, 3))], SEGMENT);
  assert.deepEqual(t.entries, range(6, 9, 3));
});

test('a snapshot record drops every entry when the log lacks its entry or has it with another term', () => {
  const beyond = replayRecords([HEADER, snapshot(0, 0), entries(range(1, 4, 1)), snapshot(10, 3)], SEGMENT);
  assert.deepEqual(beyond.snapshot, meta(10, 3));
  assert.deepEqual(beyond.entries, []);
  const otherTerm = replayRecords([HEADER, snapshot(0, 0), entries(range(1, 8, 1)), snapshot(5, 2)], SEGMENT);
  assert.deepEqual(otherTerm.snapshot, meta(5, 2));
  assert.deepEqual(otherTerm.entries, []);
  // The log then restarts right after the snapshot.
  const next = replayRecords([HEADER, snapshot(0, 0), entries(range(1, 4, 1)), snapshot(10, 3), entries(range(11, 12, 3))], SEGMENT);
  assert.deepEqual(next.entries, range(11, 12, 3));
});

test('the last hard state wins', () => {
  const s = replayRecords(
    [
      HEADER,
      { type: 'hard-state', hardState: { term: 1, vote: 'n1', commit: 0 } },
      { type: 'hard-state', hardState: { term: 2, vote: 'n3', commit: 4 } },
      entries(range(1, 2, 1)),
      { type: 'hard-state', hardState: { term: 2, vote: 'n3', commit: 7 } },
    ],
    SEGMENT,
  );
  assert.deepEqual(s.hardState, { term: 2, vote: 'n3', commit: 7 });
});

test('an older or equal snapshot record after a newer one is ignored and drops nothing', () => {
  const s = replayRecords([HEADER, snapshot(0, 0), entries(range(1, 9, 1)), snapshot(6, 1), snapshot(3, 1), snapshot(6, 1)], SEGMENT);
  assert.deepEqual(s.snapshot, meta(6, 1));
  assert.deepEqual(s.entries, range(7, 9, 1));
});

test('a segment without records other than its header replays to nothing', () => {
  const s = replayRecords([HEADER], SEGMENT);
  assert.deepEqual(s, { header: HEADER.type === 'header' ? HEADER.header : undefined, snapshot: undefined, hardState: undefined, entries: [] });
});

test('an entries record that leaves a hole is BARN_STORAGE_CORRUPT naming the segment', () => {
  const check = (records: WalRecord[], index: number, lastIndex: number): void => {
    assert.throws(
      () => replayRecords(records, SEGMENT),
      (e: unknown) => {
        assert.ok(isRuninkError(e, 'BARN_STORAGE_CORRUPT'), String(e));
        assert.match(e.message, new RegExp(SEGMENT.replaceAll('.', '\\.')));
        assert.deepEqual(e.data, { segment: SEGMENT, index, lastIndex });
        return true;
      },
    );
  };
  check([HEADER, snapshot(0, 0), entries(range(1, 3, 1)), entries(range(5, 6, 1))], 5, 3);
  check([HEADER, snapshot(10, 2), entries(range(12, 13, 2))], 12, 10);
  check([HEADER, snapshot(0, 0), entries(range(1, 3, 1)), snapshot(3, 1), entries(range(5, 5, 1))], 5, 3);
});

test('a hole inside one entries record is BARN_STORAGE_CORRUPT naming the segment', () => {
  assert.throws(
    () => replayRecords([HEADER, snapshot(0, 0), entries([ent(1, 1), ent(2, 1), ent(4, 1)])], SEGMENT),
    (e: unknown) => isRuninkError(e, 'BARN_STORAGE_CORRUPT') && e.message.includes(SEGMENT),
  );
});
