// Local snapshots written while the store goes on (local-snapshot.ts, LmdbStore.beginSnapshot / finishSnapshot):
// the bytes are the state at the snapshot's index however many writes and write-backs come meanwhile; a newer
// snapshot from the leader supersedes it; closing the store stops its writer and leaves no file behind.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { RuninkError } from '../../common/error.ts';
import { decodeSnapshot, encodeSnapshot, writeSnapshotPaced } from '../state/snapshot.ts';
import type { LocalSnapshot } from './local-snapshot.ts';
import { openStore, type LmdbStore } from './lmdb-store.ts';
import { commitReady, hs } from './test-entries.ts';

const root = mkdtempSync(join(tmpdir(), 'runink-barn-local-snapshot-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;

function open(): { store: LmdbStore; dir: string } {
  const dir = join(root, `s${++dirs}`);
  return { store: openStore(dir, { clusterId: 'c-ls', nodeId: 'n1', noSync: true, writeBack: true }), dir };
}

/** Writes `local` three lines per page, yielding to the event loop after every page (many turns). */
function write(local: LocalSnapshot): Promise<void> {
  const everyPage = (): Promise<void> => local.pause().then(() => new Promise((resolve) => setImmediate(resolve)));
  return local.write((out) => writeSnapshotPaced(local.reader, out, everyPage, 3));
}

const isCode = (code: string) => (e: unknown): boolean => e instanceof RuninkError && e.code === code;

test('a local snapshot is the state at its index, while writes and write-backs go on during it', async () => {
  const { store } = open();
  try {
    commitReady(store, 1, 20, 3);
    const expected = decodeSnapshot(encodeSnapshot(store.kv));
    const local = store.beginSnapshot(20);
    let done = false;
    const writing = write(local).then(() => void (done = true));
    let next = 21;
    for (let turns = 0; !done; turns++) {
      if (turns > 2_000) {
        local.release(); // a writer that does not read one fixed state never ends (history keeps growing)
        assert.fail('the snapshot was not written within 2,000 turns');
      }
      commitReady(store, next, next + 4, 3); // overwrites keys the snapshot has not reached yet
      next += 5;
      if (next % 3 === 0) store.writeBack();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await writing;
    assert.ok(next > 60, `writes went on meanwhile (up to ${next - 1})`);
    assert.equal(store.finishSnapshot(local), true);
    assert.equal(store.snapshotMetadata().index, 20);
    const got = decodeSnapshot(store.snapshot().data);
    assert.deepEqual(got, expected, 'the snapshot holds the records and history as of index 20');
    assert.equal(store.kv.appliedIndex(), next - 1, 'and the store went on');
  } finally {
    await store.close();
  }
});

test('snapshots taken one after another, with writes between them, are each the state at their own index', async () => {
  const { store } = open();
  try {
    for (let round = 0, next = 1; round < 4; round++, next += 40) {
      commitReady(store, next, next + 39, 3);
      const expected = decodeSnapshot(encodeSnapshot(store.kv));
      const local = store.beginSnapshot(next + 39);
      await write(local);
      assert.equal(store.finishSnapshot(local), true);
      assert.deepEqual(decodeSnapshot(store.snapshot().data), expected, `snapshot ${round + 1} at ${next + 39}`);
    }
  } finally {
    await store.close();
  }
});

test('a snapshot installed while a local one is written supersedes it: finishing drops the local one and its file', async () => {
  const { store, dir } = open();
  try {
    commitReady(store, 1, 10);
    const local = store.beginSnapshot(10);
    const writing = write(local);
    const confState = { voters: ['n1'], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };
    store.persist({ snapshot: { metadata: { index: 50, term: 2, confState }, data: new TextEncoder().encode('leader') }, entries: [], hardState: hs(2, 50) });
    await writing;
    assert.equal(store.finishSnapshot(local), false);
    assert.equal(store.snapshotMetadata().index, 50);
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('snapshot-')), ['snapshot-00000000000000000050.snap']);
  } finally {
    await store.close();
  }
});

test('closing the store while a local snapshot is written stops its writer with SNAPSHOT_ABANDONED and leaves no file', async () => {
  const { store, dir } = open();
  commitReady(store, 1, 30, 3);
  const local = store.beginSnapshot(30);
  const writing = write(local);
  await new Promise((resolve) => setImmediate(resolve));
  await store.close();
  await assert.rejects(writing, isCode('BARN_STORAGE_SNAPSHOT_ABANDONED'));
  assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('snapshot-')), []);
  const reopened = openStore(dir, { clusterId: 'c-ls', nodeId: 'n1', noSync: true, writeBack: true });
  try {
    assert.equal(reopened.snapshotMetadata().index, 0, 'no snapshot was recorded');
    assert.equal(reopened.kv.appliedIndex(), 30);
  } finally {
    await reopened.close();
  }
});

test('one local snapshot at a time, none while a write is prepared, and none past the applied state', async () => {
  const { store } = open();
  try {
    commitReady(store, 1, 5);
    const local = store.beginSnapshot(5);
    assert.throws(() => store.beginSnapshot(5), isCode('BARN_STORAGE_NESTED_WRITE'));
    local.release();
    const prepared = store.prepare({ entries: [], hardState: hs(1, 5) });
    assert.throws(() => store.beginSnapshot(5), isCode('BARN_STORAGE_NESTED_WRITE'));
    store.commit(prepared);
    assert.throws(() => store.beginSnapshot(4), isCode('BARN_STORAGE_SNAPSHOT_INVALID'), 'the env holds the state at 5, not 4');
    await assert.rejects(local.pause(), isCode('BARN_STORAGE_SNAPSHOT_ABANDONED'), 'a released snapshot reads no more');
    assert.throws(() => local.reader.get('k1'), isCode('BARN_STORAGE_SNAPSHOT_ABANDONED'), 'not even through its reader');
  } finally {
    await store.close();
  }
});
