// The housekeeper on a real store: a snapshot is taken off the loop and recorded at the next pass; the log behind
// it is compacted on the node's write-back timer, a chunk per tick, in the write-back's own transaction.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openStore } from '../storage/lmdb-store.ts';
import { commitReady, hs } from '../storage/test-entries.ts';
import { Housekeeper } from './housekeeper.ts';

const root = mkdtempSync(join(tmpdir(), 'runink-housekeeper-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('the log behind a snapshot is compacted on write-back ticks, 2,000 entries a tick; a tick during a flush leaves its chunk to the end of the next loop pass', async () => {
  const store = openStore(join(root, 'a'), { clusterId: 'c-hk', nodeId: 'n1', noSync: true, writeBack: true });
  let woken = 0;
  const failures: unknown[] = [];
  const keeper = new Housekeeper(
    { store, isLeader: () => false, propose: () => assert.fail('a follower proposes nothing'), wake: () => void woken++, fail: (e) => void failures.push(e) },
    { snapshotEvery: 5_000, compactionMargin: 100 },
  );
  try {
    commitReady(store, 1, 6_000);
    keeper.afterPass(); // begins the snapshot at 6,000
    keeper.writeBackTick();
    assert.equal(store.firstIndex(), 1, 'nothing to compact before the snapshot is recorded');
    for (let turns = 0; woken === 0; turns++) {
      assert.ok(turns < 10_000, 'the copy ended');
      await new Promise((resolve) => setImmediate(resolve));
    }
    keeper.afterPass(); // records it
    assert.equal(store.snapshotMetadata().index, 6_000);
    assert.equal(store.firstIndex(), 1, 'recording compacts nothing by itself');
    const prepared = store.prepare({ entries: [], hardState: hs(1, 6_000) });
    keeper.writeBackTick();
    assert.equal(store.firstIndex(), 1, 'not while a write is prepared (a flush in flight)');
    store.commit(prepared);
    keeper.afterPass();
    assert.equal(store.firstIndex(), 2_001, 'but at the end of the next loop pass');
    keeper.afterPass();
    assert.equal(store.firstIndex(), 2_001, 'one chunk for one tick');
    const firsts: number[] = [];
    for (let tick = 0; tick < 3; tick++) {
      keeper.writeBackTick();
      firsts.push(store.firstIndex());
    }
    assert.deepEqual(firsts, [4_001, 5_901, 5_901], 'a chunk a tick, up to the margin behind the snapshot');
    assert.deepEqual(failures, []);
  } finally {
    await keeper.stop();
    await store.close();
  }
});
