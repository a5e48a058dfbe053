// LmdbStore in write-back mode: applies land in memory (kv-overlay.ts) and reach the env together with the log
// tail, when writeBack() runs, when MAX_UNWRITTEN is reached, or when the store closes. Crashes in this mode are
// in crash-recovery.test.ts; reads against MemoryBackend in lmdb-kv-differential.test.ts.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { StoreDbs } from './lmdb-env.ts';
import { FREELIST_ATTEMPTS } from './freelist-glitch.ts';
import { MAX_UNWRITTEN, openStore, type LmdbStore } from './lmdb-store.ts';
import { commitReady, putAt } from './test-entries.ts';

const root = mkdtempSync(join(tmpdir(), 'runink-barn-write-back-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;

function open(dir: string): LmdbStore {
  return openStore(dir, { clusterId: 'c-wb', nodeId: 'n1', noSync: true, writeBack: true });
}

test('a commit in write-back mode is readable at once and reaches the env only with writeBack()', async () => {
  const dir = join(root, `s${++dirs}`);
  const store = open(dir);
  try {
    commitReady(store, 1, 3);
    assert.equal(store.kv.get('k3')?.value, 3, 'the apply is readable');
    assert.equal(store.kv.appliedIndex(), 3);
    assert.ok(store.kv.overlaySize > 0 && store.unwrittenEntries === 3, 'the effects and the entries wait in memory');
    store.writeBack();
    assert.equal(store.kv.overlaySize, 0);
    assert.equal(store.unwrittenEntries, 0);
    assert.equal(store.kv.get('k3')?.value, 3, 'the env has it');
    assert.deepEqual(store.kv.history('', undefined, 0).map((e) => e.revision), [1, 2, 3]);
  } finally {
    await store.close();
  }
});

test('closing a write-back store writes what is in memory, so a reopen applies nothing again', async () => {
  const dir = join(root, `s${++dirs}`);
  const first = open(dir);
  commitReady(first, 1, 5);
  await first.close();
  const again = open(dir);
  try {
    assert.equal(again.kv.appliedIndex(), 5);
    assert.equal(again.kv.revision(), 5);
    assert.equal(again.kv.get('k5')?.value, 5);
    assert.equal(again.lastIndex(), 5);
  } finally {
    await again.close();
  }
});

test('a write-back store writes to the env by itself once MAX_UNWRITTEN records and events wait', async () => {
  const dir = join(root, `s${++dirs}`);
  const store = open(dir);
  try {
    let largest = 0;
    // One entry per Ready, 20 records and events each: the overlay, not the tail, reaches its bound.
    for (let index = 1; index <= 600; index++) {
      commitReady(store, index, index, 20);
      largest = Math.max(largest, store.kv.overlaySize);
    }
    assert.ok(largest < MAX_UNWRITTEN, `memory stays bounded (at most ${largest} waiting)`);
    assert.equal(store.kv.appliedIndex(), 600);
    let lastWriteOfK0 = 0;
    for (let i = 1; i <= 600; i++) for (let k = 0; k < 20; k++) if ((i * 20 + k) % 97 === 0) lastWriteOfK0 = i;
    assert.equal(store.kv.get('k0')?.modRevision, lastWriteOfK0);
  } finally {
    await store.close();
  }
});

test('an apply in memory that throws leaves nothing behind', async () => {
  const dir = join(root, `s${++dirs}`);
  const store = open(dir);
  try {
    commitReady(store, 1, 1);
    assert.throws(() =>
      store.kv.applyInMemory((w) => {
        putAt('k1', 2)(w);
        throw new Error('apply failed half way');
      }),
    );
    assert.equal(store.kv.get('k1')?.value, 1);
    assert.equal(store.kv.appliedIndex(), 1);
    assert.deepEqual(store.kv.history('', undefined, 0).map((e) => e.revision), [1]);
  } finally {
    await store.close();
  }
});

test('a transaction that throws keeps what was applied in memory, and the next one writes it', async () => {
  const dir = join(root, `s${++dirs}`);
  const first = open(dir);
  commitReady(first, 1, 2);
  assert.throws(() =>
    first.kv.write(() => {
      throw new Error('refused');
    }),
  );
  assert.equal(first.kv.appliedIndex(), 2, 'still applied in memory');
  assert.equal(first.kv.get('k2')?.value, 2);
  commitReady(first, 3, 3);
  await first.close();
  const again = open(dir);
  try {
    assert.equal(again.kv.appliedIndex(), 3);
    assert.deepEqual([1, 2, 3].map((i) => again.kv.get(`k${i}`)?.value), [1, 2, 3], 'nothing applied before the failed transaction was lost');
  } finally {
    await again.close();
  }
});

test('the writeBackLimit option sets how many records and events may wait, asked at every commit', async () => {
  const dir = join(root, `s${++dirs}`);
  let limit = 50;
  const store = openStore(dir, { clusterId: 'c-wb', nodeId: 'n1', noSync: true, writeBack: true, writeBackLimit: () => limit });
  try {
    let largest = 0;
    for (let index = 1; index <= 100; index++) {
      if (index === 51) limit = 150;
      commitReady(store, index, index, 5);
      largest = Math.max(largest, store.kv.overlaySize);
      if (index === 50) assert.ok(largest < 50, `at most ${largest} waited under a limit of 50`);
    }
    assert.ok(largest >= 50 && largest < 150, `the new limit applies (${largest} waited at most)`);
  } finally {
    await store.close();
  }
});

/** Makes the store's next `failures` env commits fail as lmdb-js's freelist glitch does (nothing committed). */
function glitchNextCommits(store: LmdbStore, failures: number, message = 'MDB_BAD_TXN: Transaction must abort, has a child, or is invalid: reserved freelist had a data entry with zero-size, last id 1\n'): void {
  const root = (store as unknown as { dbs: StoreDbs }).dbs.root;
  const real = root.transactionSync.bind(root);
  let left = failures;
  root.transactionSync = ((fn: () => unknown, flags?: number) =>
    real(() => {
      const result = fn();
      if (left-- > 0) throw Object.assign(new Error(message), { code: -30782 }); // thrown inside: LMDB aborts
      return result;
    }, flags as never)) as typeof root.transactionSync;
}

test('a write-back whose commit fails with lmdb-js freelist glitch is tried again and lands whole', async () => {
  const dir = join(root, `s${++dirs}`);
  const store = open(dir);
  try {
    commitReady(store, 1, 5);
    glitchNextCommits(store, FREELIST_ATTEMPTS - 1);
    store.writeBack();
    assert.equal(store.writeBackRetries, FREELIST_ATTEMPTS - 1);
    assert.equal(store.kv.overlaySize, 0);
    assert.equal(store.unwrittenEntries, 0);
  } finally {
    await store.close();
  }
  const reopened = open(dir);
  try {
    assert.equal(reopened.kv.appliedIndex(), 5);
    assert.deepEqual(reopened.kv.history('', undefined, 0).map((e) => e.revision), [1, 2, 3, 4, 5]);
  } finally {
    await reopened.close();
  }
});

test('a write-back that keeps failing, or fails otherwise, throws and keeps what waits in memory for the next one', async () => {
  const dir = join(root, `s${++dirs}`);
  const store = open(dir);
  try {
    commitReady(store, 1, 4);
    glitchNextCommits(store, FREELIST_ATTEMPTS);
    assert.throws(() => store.writeBack(), /reserved freelist/);
    assert.equal(store.unwrittenEntries, 4, 'the entries still wait');
    glitchNextCommits(store, 1, 'MDB_MAP_FULL: Environment mapsize limit reached');
    assert.throws(() => store.writeBack(), /MDB_MAP_FULL/, 'another error is not tried again');
    assert.equal(store.writeBackRetries, FREELIST_ATTEMPTS - 1);
    store.writeBack();
    assert.equal(store.unwrittenEntries, 0);
    assert.equal(store.kv.get('k4')?.value, 4);
  } finally {
    await store.close();
  }
});
