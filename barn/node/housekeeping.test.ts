import { test } from 'node:test';
import assert from 'node:assert/strict';
import { housekeeping, type HousekeepingInput } from './housekeeping.ts';

const base: HousekeepingInput = {
  isLeader: true, revision: 50_000, compactedRevision: 0, lastCompactionCheck: 49_500, retainRevisions: 20_000,
  appliedIndex: 60_000, lastSnapshotIndex: 50_000, snapshotEvery: 50_000, configChangedSinceSnapshot: false,
  walBytes: 1_000_000, snapshotWalBytes: 64 * 1024 * 1024,
};

test('the leader proposes compaction to the last retainRevisions once history exceeds that by a quarter, looking every 1,000 revisions', () => {
  assert.deepEqual(housekeeping(base), { lastCompactionCheck: 49_500, snapshot: false }, 'looked 500 revisions ago: not yet');
  assert.deepEqual(housekeeping({ ...base, lastCompactionCheck: 49_000 }), { compactTo: 30_000, lastCompactionCheck: 50_000, snapshot: false });
  assert.deepEqual(housekeeping({ ...base, lastCompactionCheck: 49_000, compactedRevision: 24_999 }), { compactTo: 30_000, lastCompactionCheck: 50_000, snapshot: false }, '25,001 revisions kept: past 20,000 + 5,000');
  assert.deepEqual(housekeeping({ ...base, lastCompactionCheck: 49_000, compactedRevision: 25_000 }), { lastCompactionCheck: 50_000, snapshot: false }, '25,000 revisions kept: within 20,000 + 5,000');
  assert.deepEqual(housekeeping({ ...base, lastCompactionCheck: 49_000, retainRevisions: 100, compactedRevision: 48_899 }), { compactTo: 49_900, lastCompactionCheck: 50_000, snapshot: false }, 'a small retention waits at least one check interval: 1,101 > 100 + 1,000');
  assert.deepEqual(housekeeping({ ...base, lastCompactionCheck: 49_000, isLeader: false }), { lastCompactionCheck: 50_000, snapshot: false }, 'followers never propose');
});

test('a snapshot is due every snapshotEvery applied entries, or at once after a membership change, never twice at one index', () => {
  assert.equal(housekeeping({ ...base, appliedIndex: 99_999 }).snapshot, false);
  assert.equal(housekeeping({ ...base, appliedIndex: 100_000 }).snapshot, true);
  assert.equal(housekeeping({ ...base, appliedIndex: 50_001, configChangedSinceSnapshot: true }).snapshot, true);
  assert.equal(housekeeping({ ...base, appliedIndex: 50_000, configChangedSinceSnapshot: true }).snapshot, false);
});

test('a write-ahead log segment past snapshotWalBytes calls for a snapshot (large values), once something new is applied', () => {
  assert.equal(housekeeping({ ...base, walBytes: 64 * 1024 * 1024 }).snapshot, true);
  assert.equal(housekeeping({ ...base, walBytes: 64 * 1024 * 1024 - 1 }).snapshot, false);
  assert.equal(housekeeping({ ...base, walBytes: 1e9, appliedIndex: 50_000 }).snapshot, false, 'nothing applied since the last snapshot');
});
