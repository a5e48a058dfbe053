import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isRuninkError } from '../../common/error.ts';
import { BackgroundWriter } from './background-writer.ts';
import { decodeJson, encodeJson, u64Key } from './codec.ts';
import { STORAGE_ERRORS } from './errors.ts';
import { openEnv } from './lmdb-env.ts';
import { historyKey } from './lmdb-kv-tables.ts';
import { openStore } from './lmdb-store.ts';
import { putAt } from './test-entries.ts';
import { unpack, WriteBackOps } from './write-back-ops.ts';

const root = mkdtempSync(join(tmpdir(), 'runink-barn-bgw-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const identity = { format: 1, clusterId: 'c-bg', nodeId: 'n1' };

test('packed ops unpack to the same tables, kinds, keys and values in order', () => {
  const ops = new WriteBackOps();
  ops.put('log', u64Key(7), Buffer.from('entry'));
  ops.put('meta', 'hard-state', Buffer.from('{}'));
  ops.remove('records', Buffer.from('\x01k'));
  ops.removeBelow('history', historyKey(5, 0));
  const back = unpack(ops.pack());
  assert.deepEqual(
    back.map((o) => [o.table, o.kind, Buffer.from(o.key).toString('hex'), Buffer.from(o.value).toString()]),
    [
      ['log', 0, u64Key(7).toString('hex'), 'entry'],
      ['meta', 0, Buffer.from('hard-state').toString('hex'), '{}'],
      ['records', 1, '016b', ''],
      ['history', 2, historyKey(5, 0).toString('hex'), ''],
    ],
  );
});

test('the writer thread commits puts, removes and a history compaction in one transaction, meta keys as strings', async () => {
  const dir = join(root, `w${++dirs}`);
  const dbs = openEnv(dir, identity);
  const writer = new BackgroundWriter(dir);
  try {
    for (let rev = 1; rev <= 6; rev++) dbs.history.putSync(historyKey(rev, 0), encodeJson({ rev }));
    dbs.records.putSync(Buffer.from('\x01gone'), encodeJson([1, 1, 1, 'x']));
    const ops = new WriteBackOps();
    ops.put('log', u64Key(1), Buffer.from('one'));
    ops.put('meta', 'kv-applied', u64Key(9));
    ops.remove('records', Buffer.from('\x01gone'));
    ops.put('records', Buffer.from('\x01kept'), encodeJson([2, 2, 1, 'y']));
    ops.removeBelow('history', historyKey(4, 0));
    writer.submit(ops.pack());
    assert.equal(writer.busy, true);
    assert.equal(writer.settle().kind, 'finished');
    assert.equal(writer.busy, false);
    dbs.root.resetReadTxn();
    assert.equal(dbs.log.get(u64Key(1))?.toString(), 'one');
    assert.deepEqual(dbs.meta.getBinary('kv-applied'), u64Key(9));
    assert.equal(dbs.records.get(Buffer.from('\x01gone')), undefined);
    assert.deepEqual(decodeJson(dbs.records.get(Buffer.from('\x01kept'))!, 'record'), [2, 2, 1, 'y']);
    assert.deepEqual([...dbs.history.getKeys({})].map((k) => k.readUInt32BE(4)), [4, 5, 6]);
    assert.equal(writer.settle().kind, 'idle');
  } finally {
    await writer.close();
    await dbs.root.close();
  }
});

test('a write-back the env refuses commits nothing and comes out of settle as BARN_STORAGE_ENV_FAILED', async () => {
  const dir = join(root, `w${++dirs}`);
  const dbs = openEnv(dir, identity);
  const writer = new BackgroundWriter(dir);
  try {
    const ops = new WriteBackOps();
    ops.put('log', u64Key(1), Buffer.from('one'));
    ops.put('log', Buffer.alloc(0), Buffer.from('an empty key: LMDB refuses it'));
    writer.submit(ops.pack());
    assert.throws(() => writer.settle(), (e: unknown) => isRuninkError(e) && e.code === STORAGE_ERRORS.ENV_FAILED && /nothing of it was committed/.test(e.message));
    dbs.root.resetReadTxn();
    assert.equal(dbs.log.get(u64Key(1)), undefined, 'the put before the bad one is not in the env');
    assert.equal(writer.busy, false);
  } finally {
    await writer.close();
    await dbs.root.close();
  }
});

test('an env transaction right after a background write-back lands after it, so the newer value wins every time', async () => {
  const dir = join(root, `s${++dirs}`);
  const open = () => openStore(dir, { clusterId: 'c-bg', nodeId: 'n1', noSync: true, writeBack: true });
  let store = open();
  try {
    for (let i = 1; i <= 200; i++) {
      store.kv.applyInMemory(putAt(`k${i}`, 2 * i - 1)); // older: in memory, then committed by the thread
      store.writeBackInBackground();
      store.kv.write(putAt(`k${i}`, 2 * i)); // newer: an env transaction on the loop, while that one may run
      if (i % 50 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    await store.close();
    store = open();
    for (let i = 1; i <= 200; i++) assert.equal(store.kv.get(`k${i}`)?.modRevision, 2 * i, `k${i} holds the newer write`);
  } finally {
    await store.close();
  }
});

test('reads see a background write-back while it is in flight and after it finished, and a reopen finds it all', async () => {
  const dir = join(root, `s${++dirs}`);
  const open = () => openStore(dir, { clusterId: 'c-bg', nodeId: 'n1', noSync: true, writeBack: true });
  let store = open();
  try {
    for (let i = 1; i <= 50; i++) store.kv.applyInMemory(putAt(`a${i % 7}`, i));
    store.writeBackInBackground();
    assert.equal(store.kv.overlaySize, 0, 'the overlay moved to the background write-back');
    const during = store.kv.history('', undefined, 0).length;
    assert.equal(store.kv.get('a1')?.modRevision, 50);
    await new Promise((r) => setTimeout(r, 20));
    store.writeBackInBackground(); // polls: the write-back has finished by now
    assert.equal(store.kv.history('', undefined, 0).length, during, 'no event is read twice or lost');
    assert.equal(store.kv.get('a1')?.modRevision, 50);
    store.kv.applyInMemory(putAt('a1', 51));
    await store.close();
    store = open();
    assert.equal(store.kv.get('a1')?.modRevision, 51);
    assert.equal(store.kv.history('', undefined, 0).length, during + 1);
  } finally {
    await store.close();
  }
});
