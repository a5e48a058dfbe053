import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMPACT_CHUNK, compactionStep, housekeeping, snapshotPhase, type HousekeepingInput } from './housekeeping.ts';

const base: HousekeepingInput = {
  isLeader: true, revision: 50_000, compactedRevision: 0, lastCompactionCheck: 49_500, retainRevisions: 20_000,
  appliedIndex: 60_000, lastSnapshotIndex: 50_000, snapshotEvery: 50_000, snapshotPhase: 0, configChangedSinceSnapshot: false,
  walBytes: 1_000_000, snapshotWalBytes: 64 * 1024 * 1024,
};

test('the leader proposes compaction to the last retainRevisions once history exceeds that by a twentieth, looking every 1,000 revisions', () => {
  assert.deepEqual(housekeeping(base), { lastCompactionCheck: 49_500, snapshot: false }, 'looked 500 revisions ago: not yet');
  assert.deepEqual(housekeeping({ ...base, lastCompactionCheck: 49_000 }), { compactTo: 30_000, lastCompactionCheck: 50_000, snapshot: false });
  assert.deepEqual(housekeeping({ ...base, lastCompactionCheck: 49_000, compactedRevision: 28_999 }), { compactTo: 30_000, lastCompactionCheck: 50_000, snapshot: false }, '21,001 revisions kept: past 20,000 + 1,000');
  assert.deepEqual(housekeeping({ ...base, lastCompactionCheck: 49_000, compactedRevision: 29_000 }), { lastCompactionCheck: 50_000, snapshot: false }, '21,000 revisions kept: within 20,000 + 1,000');
  assert.deepEqual(housekeeping({ ...base, lastCompactionCheck: 49_000, retainRevisions: 100, compactedRevision: 48_899 }), { compactTo: 49_900, lastCompactionCheck: 50_000, snapshot: false }, 'a small retention waits at least one check interval: 1,101 > 100 + 1,000');
  assert.deepEqual(housekeeping({ ...base, revision: 200_000, lastCompactionCheck: 199_000, retainRevisions: 100_000, compactedRevision: 94_999 }), { compactTo: 100_000, lastCompactionCheck: 200_000, snapshot: false }, 'a large retention waits a twentieth of it: 105,001 > 100,000 + 5,000');
  assert.deepEqual(housekeeping({ ...base, revision: 200_000, lastCompactionCheck: 199_000, retainRevisions: 100_000, compactedRevision: 95_000 }), { lastCompactionCheck: 200_000, snapshot: false }, '105,000 is within 100,000 + 5,000');
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

test('members snapshot at their own phase of every snapshotEvery entries, kept after a snapshot that came off it', () => {
  const at = (snapshotPhase: number, lastSnapshotIndex: number, appliedIndex: number): boolean => housekeeping({ ...base, snapshotPhase, lastSnapshotIndex, appliedIndex }).snapshot;
  assert.equal(at(16_666, 0, 16_665), false);
  assert.equal(at(16_666, 0, 16_666), true, 'the first snapshot at the phase');
  assert.equal(at(16_666, 16_666, 66_665), false);
  assert.equal(at(16_666, 16_666, 66_666), true, 'then every snapshotEvery');
  assert.equal(at(16_666, 70_000, 116_665), false, 'a snapshot installed off the phase (70,000): the next one is back on it');
  assert.equal(at(16_666, 70_000, 116_666), true);
  assert.equal(at(0, 0, 49_999), false);
  assert.equal(at(0, 0, 50_000), true, 'phase 0 is every snapshotEvery from the start');
});

test('a snapshot phase spreads the configuration’s members evenly by their sorted ids; a lone member, or one not in it, has phase 0', () => {
  const conf = (voters: string[], learners: string[] = []) => ({ voters, learners, votersOutgoing: [], learnersNext: [], autoLeave: false });
  assert.deepEqual(['n1', 'n2', 'n3'].map((id) => snapshotPhase(id, conf(['n3', 'n1', 'n2']), 50_000)), [0, 16_666, 33_333]);
  assert.deepEqual(['a', 'b', 'c', 'd'].map((id) => snapshotPhase(id, conf(['a', 'c'], ['b', 'd']), 50_000)), [0, 12_500, 25_000, 37_500], 'learners count');
  assert.equal(snapshotPhase('n1', conf(['n1']), 50_000), 0);
  assert.equal(snapshotPhase('x', conf(['n1', 'n2']), 50_000), 0);
  assert.equal(snapshotPhase('n2', { ...conf(['n1', 'n2']), votersOutgoing: ['n1', 'n2', 'n3'] }, 60_000), 20_000, 'a joint configuration counts both halves');
});

test('log compaction drops at least a chunk per write-back and a tenth of a larger backlog, never past the target', () => {
  assert.equal(compactionStep(0), 0);
  assert.equal(compactionStep(500), 500);
  assert.equal(compactionStep(COMPACT_CHUNK + 1), COMPACT_CHUNK);
  assert.equal(compactionStep(45_000), 4_500);
  assert.equal(compactionStep(250_000), 25_000);
  // A backlog growing by 20,000 entries a second (more than the fixed 2,000 per 100 ms drops) still drains.
  let backlog = 45_000;
  for (let tick = 0; tick < 100; tick++) backlog = backlog + 2_000 - compactionStep(backlog + 2_000);
  assert.ok(backlog < 25_000, `backlog ${backlog}`);
});
