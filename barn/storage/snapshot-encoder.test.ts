// A local snapshot sent to a follower (snapshot-encoder.ts, LmdbStore.snapshot): its env copy is encoded by a
// worker thread, Raft's read says "temporarily unavailable" until the bytes are ready and then gets exactly what
// a restore reads; a failed encoding is an error with a code, and a newer snapshot starts afresh.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { RuninkError } from '../../common/error.ts';
import { SnapshotTemporarilyUnavailableError } from '../raft/storage.ts';
import type { Snapshot } from '../raft/types.ts';
import { openStore, type LmdbStore } from './lmdb-store.ts';
import { SnapshotEncoder } from './snapshot-encoder.ts';
import { snapshotCopyPath } from './snapshot-file.ts';
import { commitReady } from './test-entries.ts';

const root = mkdtempSync(join(tmpdir(), 'runink-barn-snapshot-encoder-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Asks like the Raft leader does (again on each response) until the bytes are there; counts the refusals. */
async function askUntilReady(read: () => Snapshot): Promise<{ snapshot: Snapshot; refused: number }> {
  for (let refused = 0; ; refused++) {
    try {
      return { snapshot: read(), refused };
    } catch (err) {
      assert.ok(err instanceof SnapshotTemporarilyUnavailableError, `only "temporarily unavailable" while encoding, got ${String(err)}`);
      assert.ok(refused < 2_000, 'the encoding ended within 20 s');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

async function storeWithLocalSnapshot(name: string, upTo: number): Promise<LmdbStore> {
  const store = openStore(join(root, name), { clusterId: 'c-enc', nodeId: 'n1', noSync: true, writeBack: true });
  commitReady(store, 1, upTo, 3);
  const local = store.beginSnapshot(upTo);
  await local.copied();
  assert.equal(store.finishSnapshot(local)?.index, upTo);
  return store;
}

test('a follower is sent a local snapshot encoded off the event loop: temporarily unavailable first, then the bytes a restore reads', async () => {
  const store = await storeWithLocalSnapshot('s1', 40);
  try {
    assert.throws(() => store.snapshot(), SnapshotTemporarilyUnavailableError, 'the first ask starts the encoding and is refused');
    const { snapshot, refused } = await askUntilReady(() => store.snapshot());
    assert.ok(refused >= 0);
    const restored = store.readSnapshot();
    assert.deepEqual(snapshot.metadata, restored.metadata);
    assert.deepEqual(Buffer.from(snapshot.data), Buffer.from(restored.data), 'the same bytes as the synchronous encoding');
    assert.ok(snapshot.data.byteLength > 0);
    assert.equal(store.snapshot().data, snapshot.data, 'kept for the next ask (a retried send, another follower)');
  } finally {
    await store.close();
  }
});

test('a newer local snapshot drops the bytes kept for the older one and is encoded afresh', async () => {
  const store = await storeWithLocalSnapshot('s2', 20);
  try {
    const first = (await askUntilReady(() => store.snapshot())).snapshot;
    commitReady(store, 21, 30, 3);
    const local = store.beginSnapshot(30);
    await local.copied();
    assert.equal(store.finishSnapshot(local)?.index, 30);
    assert.throws(() => store.snapshot(), SnapshotTemporarilyUnavailableError);
    const second = (await askUntilReady(() => store.snapshot())).snapshot;
    assert.equal(second.metadata.index, 30);
    assert.notDeepEqual(Buffer.from(second.data), Buffer.from(first.data));
    assert.deepEqual(Buffer.from(second.data), Buffer.from(store.readSnapshot().data));
  } finally {
    await store.close();
  }
});

for (const [what, prepare] of [
  ['is gone (deleted under the encoder, say)', (): void => undefined],
  ['is not an LMDB file (lmdb-js would crash the process on it)', (path: string): void => {
    mkdirSync(path);
    writeFileSync(join(path, 'data.mdb'), Buffer.alloc(65_536, 7));
  }],
] as const) {
  test(`an env copy that ${what} is an error with a stable code at every ask, not "unavailable" forever`, async () => {
    const path = join(root, `copy-${what.length}.lmdb`);
    prepare(path);
    const encoder = new SnapshotEncoder();
    try {
      assert.throws(() => encoder.get(5, path), SnapshotTemporarilyUnavailableError);
      for (let i = 0; encoder.encoding(5); i++) {
        assert.ok(i < 2_000, 'the encoding ended within 20 s');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      for (let ask = 0; ask < 2; ask++) {
        assert.throws(() => encoder.get(5, path), (e: unknown) => e instanceof RuninkError && e.code === 'BARN_STORAGE_CORRUPT' && e.data['index'] === 5 && e.message.includes(path));
      }
    } finally {
      await encoder.close();
    }
  });
}

test('encoded bytes are dropped once nobody asked for them for keepMs, and the next ask encodes them again', async () => {
  const store = await storeWithLocalSnapshot('s3', 20);
  const encoder = new SnapshotEncoder(1_500); // margins of 900 ms either way: a loaded machine's timers are late
  const path = snapshotCopyPath(store.dir, 20);
  try {
    const first = await askUntilReady(() => ({ metadata: store.snapshotMetadata(), data: encoder.get(20, path) }));
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.equal(encoder.get(20, path), first.snapshot.data, 'an ask within keepMs gets the kept bytes and keeps them longer');
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.equal(encoder.get(20, path), first.snapshot.data, '1.2 s after they were encoded, 0.6 s after the last ask: still kept');
    await new Promise((resolve) => setTimeout(resolve, 2_400));
    assert.throws(() => encoder.get(20, path), SnapshotTemporarilyUnavailableError, 'dropped: encoded again');
    const again = await askUntilReady(() => ({ metadata: store.snapshotMetadata(), data: encoder.get(20, path) }));
    assert.deepEqual(Buffer.from(again.snapshot.data), Buffer.from(first.snapshot.data));
  } finally {
    await encoder.close();
    await store.close();
  }
});
