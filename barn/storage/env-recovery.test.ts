// planCatchUp: how a trusted env is brought in line with the WAL after a crash between a WAL append (or
// rotation) and the env transaction that follows it. Pure; the full path runs in crash-recovery.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Entry, HardState, SnapshotMetadata } from '../raft/types.ts';
import { planCatchUp, type EnvRaftState } from './env-recovery.ts';
import { buildRuns } from './term-runs.ts';
import type { WalState } from './wal-replay.ts';

const CONF = { voters: ['n1'], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };
const snap = (index: number, term: number): SnapshotMetadata => ({ index, term, confState: CONF });
const HS: HardState = { term: 3, vote: 'n1', commit: 0 };

/** An env whose log holds (offset, last] with the terms `termOf(i)`. */
function env(offset: number, last: number, termOf: (i: number) => number, snapshot = snap(offset, termOf(offset)), applied = 0): EnvRaftState {
  return { log: { offsetIndex: offset, offsetTerm: termOf(offset), lastIndex: last, runs: buildRuns(offset + 1, last, termOf) }, hardState: HS, snapshot, applied };
}

function wal(snapshot: SnapshotMetadata, entries: Array<[index: number, term: number]>): WalState {
  const list: Entry[] = entries.map(([index, term]) => ({ index, term, type: 'normal', data: new Uint8Array(0) }));
  return { header: undefined, snapshot, hardState: HS, entries: list };
}

const t1 = (): number => 1;
const indexes = (p: ReturnType<typeof planCatchUp>): number[] | undefined => p?.entries.map((e) => e.index);

test('a WAL longer than the env gives exactly the missing entries', () => {
  const p = planCatchUp(env(0, 3, t1), wal(snap(0, 0), [[1, 1], [2, 1], [3, 1], [4, 1], [5, 1]]));
  assert.deepEqual(indexes(p), [4, 5]);
  assert.equal(p?.snapshot, undefined);
});

test('a conflicting suffix the WAL already replaced (a new term from index 3) replaces the env from there, also when the WAL is shorter', () => {
  const old = env(0, 6, t1);
  assert.deepEqual(indexes(planCatchUp(old, wal(snap(0, 0), [[1, 1], [2, 1], [3, 2], [4, 2], [5, 2], [6, 2], [7, 2]]))), [3, 4, 5, 6, 7]);
  assert.deepEqual(indexes(planCatchUp(old, wal(snap(0, 0), [[1, 1], [2, 1], [3, 2]]))), [3]);
});

test('a conflict that would replace an applied entry is refused (a rebuild follows): the store never writes that', () => {
  assert.equal(planCatchUp(env(0, 6, t1, snap(0, 0), 4), wal(snap(0, 0), [[1, 1], [2, 1], [3, 2]])), undefined);
  assert.deepEqual(indexes(planCatchUp(env(0, 6, t1, snap(0, 0), 2), wal(snap(0, 0), [[1, 1], [2, 1], [3, 2]]))), [3]);
});

test('a local snapshot recorded in the WAL only keeps the env log; an installed one resets it', () => {
  const local = planCatchUp(env(0, 8, t1), wal(snap(5, 1), [[6, 1], [7, 1], [8, 1]]));
  assert.deepEqual({ snap: local?.snapshot?.index, reset: local?.resetLog, entries: indexes(local) }, { snap: 5, reset: false, entries: [] });
  const installed = planCatchUp(env(0, 8, t1), wal(snap(20, 4), [[21, 4]]));
  assert.deepEqual({ snap: installed?.snapshot?.index, reset: installed?.resetLog, entries: indexes(installed) }, { snap: 20, reset: true, entries: [21] });
});

test('an env ahead of the WAL (entries or a snapshot the WAL does not have) is refused', () => {
  assert.equal(planCatchUp(env(0, 6, t1), wal(snap(0, 0), [[1, 1], [2, 1]])), undefined, 'more entries than the WAL, no conflict');
  assert.equal(planCatchUp(env(10, 12, t1, snap(10, 1)), wal(snap(5, 1), [[6, 1]])), undefined, 'a newer snapshot than the WAL');
});
