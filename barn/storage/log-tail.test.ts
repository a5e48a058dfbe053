// A Ready with nothing to apply stays out of the env (LmdbStore's tail, log-tail.ts) until the next transaction;
// Raft reads it as if it were written. (Crash and reboot recovery of a tail: wal-store.test.ts.)
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { MAX_TAIL_ENTRIES } from './log-tail.ts';
import { openStore, type LmdbStore, type PersistBatch } from './lmdb-store.ts';
import { ent, hs, range } from './test-entries.ts';

const root = mkdtempSync(join(tmpdir(), 'runink-barn-tail-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const open = (): LmdbStore => openStore(join(root, `d${++dirs}`), { clusterId: 'c-tail', nodeId: 'n1', noSync: true });

/** prepare → flush → commit without anything to apply (what the node does for such a Ready). */
function commitBare(s: LmdbStore, batch: PersistBatch): void {
  const p = s.prepare(batch);
  s.flushSync(p);
  s.commit(p);
}

test('entries committed with nothing to apply are read back from the tail, and the next applying transaction writes them to the env', async () => {
  const s = open();
  try {
    s.persist({ entries: range(1, 3, 1), hardState: hs(1, 3) });
    commitBare(s, { entries: range(4, 6, 1), hardState: hs(1, 4) });
    assert.equal(s.unwrittenEntries, 3);
    assert.equal(s.lastIndex(), 6);
    assert.equal(s.term(6), 1);
    assert.deepEqual(s.hardState(), hs(1, 4));
    assert.deepEqual(s.entries(2, 7, Infinity), range(2, 6, 1), 'a read spanning the env and the tail');
    assert.deepEqual(s.entries(5, 7, Infinity), range(5, 6, 1), 'a read inside the tail');
    const p = s.prepare({ entries: [ent(7, 1)], hardState: hs(1, 6) });
    s.flushSync(p);
    s.commit(p, (w) => w.setAppliedIndex(6));
    assert.equal(s.unwrittenEntries, 0, 'written with the applying transaction');
    assert.deepEqual(s.entries(1, 8, Infinity), range(1, 7, 1));
  } finally {
    await s.close();
  }
});

test('a read across the env and the tail keeps the size limit: the first entry always, then while the payload fits', async () => {
  const s = open();
  try {
    s.persist({ entries: range(1, 2, 1) });
    commitBare(s, { entries: range(3, 5, 1) });
    const size = ent(1, 1).data.byteLength; // every payload here has the same size
    assert.deepEqual(s.entries(1, 6, size * 3), range(1, 3, 1));
    assert.deepEqual(s.entries(3, 6, 0), [ent(3, 1)], 'the first entry even past the limit, from the tail');
    assert.deepEqual(s.entries(1, 6, size), [ent(1, 1)]);
  } finally {
    await s.close();
  }
});

test('an append that conflicts with the tail replaces its suffix there; one that conflicts with the env is written through', async () => {
  const s = open();
  try {
    s.persist({ entries: range(1, 3, 1) });
    commitBare(s, { entries: range(4, 6, 1) });
    commitBare(s, { entries: range(5, 5, 2) });
    assert.equal(s.lastIndex(), 5);
    assert.deepEqual(s.entries(1, 6, Infinity), [...range(1, 4, 1), ent(5, 2)]);
    assert.equal(s.unwrittenEntries, 2);
    commitBare(s, { entries: range(3, 3, 3) });
    assert.equal(s.unwrittenEntries, 0, 'entry 3 is in the env: written through, the tail first');
    assert.equal(s.lastIndex(), 3);
    assert.deepEqual(s.entries(1, 4, Infinity), [...range(1, 2, 1), ent(3, 3)]);
  } finally {
    await s.close();
  }
});

test(`the tail is written through once it holds ${MAX_TAIL_ENTRIES} entries, and before a snapshot or a compaction`, async () => {
  const s = open();
  try {
    for (let i = 1; i <= MAX_TAIL_ENTRIES + 1; i++) commitBare(s, { entries: [ent(i, 1)] });
    assert.ok(s.unwrittenEntries < MAX_TAIL_ENTRIES, `bounded (${s.unwrittenEntries})`);
    commitBare(s, { entries: [ent(MAX_TAIL_ENTRIES + 2, 1)], hardState: hs(1, 10) });
    assert.ok(s.unwrittenEntries > 0);
    s.createSnapshot(10, undefined, new TextEncoder().encode('state'));
    assert.equal(s.unwrittenEntries, 0, 'a snapshot writes the tail first');
    commitBare(s, { entries: [ent(MAX_TAIL_ENTRIES + 3, 1)] });
    s.compact(5);
    assert.equal(s.unwrittenEntries, 0, 'so does a compaction');
    assert.equal(s.firstIndex(), 6);
    assert.equal(s.lastIndex(), MAX_TAIL_ENTRIES + 3);
  } finally {
    await s.close();
  }
});
