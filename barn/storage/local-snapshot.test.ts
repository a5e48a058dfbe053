// Local snapshots taken while the store goes on (local-snapshot.ts, snapshot-copy.ts: LmdbStore.beginSnapshot /
// finishSnapshot): LMDB copies the env off the event loop; the snapshot is the state at the copy's own applied
// index (at least the one begun at) however many writes and write-backs come meanwhile; a newer snapshot from
// the leader supersedes it; closing the store abandons it and leaves nothing behind; after a machine restart the
// env is rebuilt from the copy and the WAL; a kill -9 at any step leaves the old snapshot or the new one.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { RuninkError } from '../../common/error.ts';
import { decodeSnapshot, encodeSnapshot, type DecodedSnapshot } from '../state/snapshot.ts';
import type { StateError } from '../state/errors.ts';
import { ENV_STATE_FILE } from './env-trust.ts';
import { CRASH_ID, CRASH_STEPS } from './local-snapshot-crash.fixture.ts';
import { openStore, type LmdbStore } from './lmdb-store.ts';
import { commitReady, hs } from './test-entries.ts';

const root = mkdtempSync(join(tmpdir(), 'runink-barn-local-snapshot-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const ID = { clusterId: 'c-ls', nodeId: 'n1' };

function open(options: { bootId?: string } = {}): { store: LmdbStore; dir: string } {
  const dir = join(root, `s${++dirs}`);
  return { store: openStore(dir, { ...ID, noSync: true, writeBack: true, ...options }), dir };
}

const isCode = (code: string) => (e: unknown): boolean => e instanceof RuninkError && e.code === code;
const snapshotNames = (dir: string): string[] => readdirSync(dir).filter((f) => f.startsWith('snapshot-')).sort();
const pad = (i: number): string => String(i).padStart(20, '0');

/** The state as a snapshot decodes it, keyed by applied index: what a snapshot at that index must hold. */
function stateNow(store: LmdbStore, states: Map<number, DecodedSnapshot | StateError>): void {
  states.set(store.kv.appliedIndex(), decodeSnapshot(encodeSnapshot(store.kv)));
}

test('a local snapshot is the state at its own index, at least the one begun at, while writes and write-backs go on during the copy', async () => {
  const { store, dir } = open();
  try {
    const states = new Map<number, DecodedSnapshot | StateError>();
    commitReady(store, 1, 20, 3);
    stateNow(store, states);
    const local = store.beginSnapshot(20);
    let copied = false;
    const copying = local.copied().then(() => void (copied = true));
    let next = 21;
    for (let turns = 0; !copied; turns++) {
      assert.ok(turns < 10_000, 'the copy ended');
      commitReady(store, next, next + 4, 3); // overwrites keys the copy may or may not have seen
      next += 5;
      stateNow(store, states);
      if (turns % 2 === 0) store.writeBack();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await copying;
    const recorded = store.finishSnapshot(local);
    assert.ok(recorded !== undefined && recorded.index >= 20, `recorded at ${recorded?.index}`);
    assert.deepEqual(store.snapshotMetadata(), recorded);
    assert.equal(recorded.term, 1);
    assert.deepEqual(snapshotNames(dir), [`snapshot-${pad(recorded.index)}.lmdb`], 'the copy, under its index; no temporary left');
    assert.deepEqual(decodeSnapshot(store.readSnapshot().data), states.get(recorded.index), 'the snapshot holds the records and history as of its index');
    assert.equal(store.kv.appliedIndex(), next - 1, 'and the store went on');
  } finally {
    await store.close();
  }
});

test('snapshots taken one after another, with writes between them, are each the state at their own index and replace the one before', async () => {
  const { store, dir } = open();
  try {
    for (let round = 0, next = 1; round < 4; round++, next += 40) {
      commitReady(store, next, next + 39, 3);
      const expected = decodeSnapshot(encodeSnapshot(store.kv));
      const local = store.beginSnapshot(next + 39);
      await local.copied();
      assert.equal(store.finishSnapshot(local)?.index, next + 39, 'nothing was written during the copy');
      assert.deepEqual(decodeSnapshot(store.readSnapshot().data), expected, `snapshot ${round + 1} at ${next + 39}`);
      await store.snapshotFilesRemoved; // the older copy is deleted on libuv's pool
      assert.deepEqual(snapshotNames(dir), [`snapshot-${pad(next + 39)}.lmdb`]);
    }
  } finally {
    await store.close();
  }
});

test('a snapshot installed while a local one is copied supersedes it: finishing drops the copy', async () => {
  const { store, dir } = open();
  try {
    commitReady(store, 1, 10);
    const local = store.beginSnapshot(10);
    const confState = { voters: ['n1'], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };
    store.persist({ snapshot: { metadata: { index: 50, term: 2, confState }, data: new TextEncoder().encode('leader') }, entries: [], hardState: hs(2, 50) });
    await local.copied();
    assert.equal(store.finishSnapshot(local), undefined);
    await local.settled; // its copy is deleted on libuv's pool
    assert.equal(store.snapshotMetadata().index, 50);
    assert.deepEqual(snapshotNames(dir), [`snapshot-${pad(50)}.snap`]);
    assert.equal(new TextDecoder().decode(store.readSnapshot().data), 'leader');
  } finally {
    await store.close();
  }
});

test('closing the store while LMDB copies the env waits for the copy, abandons it with SNAPSHOT_ABANDONED and leaves nothing', async () => {
  const { store, dir } = open();
  commitReady(store, 1, 30, 3);
  const local = store.beginSnapshot(30);
  const copied = local.copied();
  await store.close();
  await assert.rejects(copied, isCode('BARN_STORAGE_SNAPSHOT_ABANDONED'));
  assert.deepEqual(snapshotNames(dir), []);
  const reopened = openStore(dir, { ...ID, noSync: true, writeBack: true });
  try {
    assert.equal(reopened.snapshotMetadata().index, 0, 'no snapshot was recorded');
    assert.equal(reopened.kv.appliedIndex(), 30);
  } finally {
    await reopened.close();
  }
});

test('copies left by a crash, during a copy or before it was recorded, are removed at the next open', async () => {
  const { store, dir } = open();
  commitReady(store, 1, 12);
  await store.close();
  for (const name of ['snapshot-local.lmdb.tmp', `snapshot-${pad(12)}.lmdb`]) {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, 'data.mdb'), 'torn');
  }
  const reopened = openStore(dir, { ...ID, noSync: true, writeBack: true });
  try {
    await reopened.snapshotFilesRemoved;
    assert.deepEqual(snapshotNames(dir), [], 'nothing recorded names them');
    assert.equal(reopened.snapshotMetadata().index, 0);
    assert.equal(reopened.kv.appliedIndex(), 12);
  } finally {
    await reopened.close();
  }
});

test('one local snapshot at a time, none while a write is prepared, none past the applied state; a released one resolves to SNAPSHOT_ABANDONED', async () => {
  const { store } = open();
  try {
    commitReady(store, 1, 5);
    const local = store.beginSnapshot(5);
    assert.throws(() => store.beginSnapshot(5), isCode('BARN_STORAGE_NESTED_WRITE'));
    local.release();
    await assert.rejects(local.copied(), isCode('BARN_STORAGE_SNAPSHOT_ABANDONED'));
    assert.throws(() => local.result(), isCode('BARN_STORAGE_SNAPSHOT_INVALID'));
    const prepared = store.prepare({ entries: [], hardState: hs(1, 5) });
    assert.throws(() => store.beginSnapshot(5), isCode('BARN_STORAGE_NESTED_WRITE'));
    store.commit(prepared);
    store.persist({ entries: [{ index: 6, term: 1, type: 'normal', data: new Uint8Array(0) }], hardState: hs(1, 5) });
    assert.throws(() => store.beginSnapshot(6), isCode('BARN_STORAGE_SNAPSHOT_INVALID'), 'entry 6 is in the log but not applied');
  } finally {
    await store.close();
  }
});

test('after a machine restart the env is rebuilt from the env copy and the WAL: the snapshot comes back as the state at its index', async () => {
  const { store, dir } = open({ bootId: 'boot-A' });
  commitReady(store, 1, 40, 2);
  const expected = decodeSnapshot(encodeSnapshot(store.kv));
  const local = store.beginSnapshot(40);
  await local.copied();
  assert.equal(store.finishSnapshot(local)?.index, 40);
  commitReady(store, 41, 55, 2);
  await store.close();
  // what a crash of boot A leaves: the env not marked clean; boot B must not trust it
  writeFileSync(join(dir, ENV_STATE_FILE), JSON.stringify({ bootId: 'boot-A', clean: false }));
  const rebuilt = openStore(dir, { ...ID, noSync: true, writeBack: true, bootId: 'boot-B' });
  try {
    assert.equal(rebuilt.kv.appliedIndex(), 0, 'the state machine is empty: the node restores the snapshot and re-applies');
    assert.equal(rebuilt.snapshotMetadata().index, 40);
    assert.deepEqual(decodeSnapshot(rebuilt.readSnapshot().data), expected);
    assert.equal(rebuilt.lastIndex(), 55, 'the entries after it came from the WAL');
    assert.equal(rebuilt.firstIndex(), 41);
  } finally {
    await rebuilt.close();
  }
});

const crashChild = fileURLToPath(new URL('./local-snapshot-crash.fixture.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

for (const step of CRASH_STEPS) {
  test(`a kill -9 ${step.replace('-', ' ')} of a local snapshot leaves the store whole: the old snapshot or the new one, its copy there, nothing left over`, async () => {
    const dir = join(root, `crash-${step}`);
    const child = spawnSync(process.execPath, ['--import', 'tsx', crashChild, dir, step], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(child.signal, 'SIGKILL', `the child killed itself (${child.stderr})`);
    const expected = decodeSnapshot(Buffer.from(child.stdout.trim(), 'base64'));
    const store = openStore(dir, { ...CRASH_ID, writeBack: true });
    try {
      await store.snapshotFilesRemoved;
      const index = store.snapshotMetadata().index;
      if (step === 'after-finish') assert.equal(index, 30, 'a recorded snapshot survives');
      else assert.equal(index, 0, 'an unrecorded one is not there');
      if (index === 30) assert.deepEqual(decodeSnapshot(store.readSnapshot().data), expected);
      assert.deepEqual(snapshotNames(dir), index === 30 ? [`snapshot-${pad(30)}.lmdb`] : [], 'no copy but the recorded one');
      assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.spare') || f.endsWith('.tmp')), [], 'no spare WAL segment or temporary file');
      assert.equal(store.kv.appliedIndex(), 30);
      assert.deepEqual(decodeSnapshot(encodeSnapshot(store.kv)), expected, 'the state machine is as it was');
      commitReady(store, 31, 35, 3);
      const again = store.beginSnapshot(35);
      await again.copied();
      assert.equal(store.finishSnapshot(again)?.index, 35, 'and the next snapshot is taken as usual');
    } finally {
      await store.close();
    }
  });
}
