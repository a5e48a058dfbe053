// The order of the disk operations around opening and closing a store, which decides what a crash or a power
// loss at any point leaves behind (open-store.ts, lmdb-store.ts close). The fs functions are wrapped to record
// every flush, rename and removal by path, in order (this file runs in its own process).
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, test } from 'node:test';
import type { ConfState, Entry } from '../raft/types.ts';

const fs = createRequire(import.meta.url)('node:fs') as Record<string, (...args: unknown[]) => unknown>;
const ops: string[] = [];
const nameOf = (fd: unknown): string => {
  try {
    return basename(fs['readlinkSync']!(`/proc/self/fd/${String(fd)}`) as string);
  } catch {
    return `fd${String(fd)}`;
  }
};
for (const name of ['fsyncSync', 'fdatasyncSync']) {
  const orig = fs[name]!;
  fs[name] = (fd: unknown, ...rest: unknown[]) => {
    ops.push(`flush ${nameOf(fd)}`);
    return orig(fd, ...rest);
  };
}
for (const name of ['renameSync', 'rmSync']) {
  const orig = fs[name]!;
  fs[name] = (path: unknown, ...rest: unknown[]) => {
    ops.push(`${name === 'rmSync' ? 'remove' : 'rename'} ${basename(String(path))}`);
    return orig(path, ...rest);
  };
}
syncBuiltinESMExports();
const { openStore } = await import('./lmdb-store.ts');

const root = mkdtempSync(join(tmpdir(), 'runink-barn-order-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const CONF: ConfState = { voters: ['n1'], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };
const OPTS = { clusterId: 'c-order', nodeId: 'n1', initialConfState: CONF };
const ent = (index: number, term = 7): Entry => ({ index, term, type: 'normal', data: new Uint8Array([index]) });
const freshDir = (): string => join(root, `d${++dirs}`);
const walName = (dir: string): string => readdirSync(dir).filter((n) => /^wal-\d+\.log$/.test(n)).sort().at(-1)!;

test('opening flushes the newest WAL segment before the store acts on what it read (it may come from the page cache of a killed process)', async () => {
  const dir = freshDir();
  const a = openStore(dir, { ...OPTS, bootId: 'A' });
  a.persist({ entries: [ent(1)], hardState: { term: 7, vote: 'n1', commit: 1 } });
  await a.close();
  ops.length = 0;
  const b = openStore(dir, { ...OPTS, bootId: 'A' });
  await b.close();
  const flushed = ops.indexOf(`flush ${walName(dir)}`);
  const stateWritten = ops.indexOf('rename env-state.json.tmp');
  assert.ok(flushed >= 0 && flushed < stateWritten, `WAL flushed before the env is touched: ${ops.join(', ')}`);
});

test('a clean close flushes the WAL (commit-only records are appended unflushed) before it marks the env clean', async () => {
  const dir = freshDir();
  const s = openStore(dir, { ...OPTS, bootId: 'A' });
  s.persist({ entries: [ent(1), ent(2)], hardState: { term: 7, vote: 'n1', commit: 0 } });
  s.persistAndApply({ entries: [], hardState: { term: 7, vote: 'n1', commit: 2 } }, (w) => w.setAppliedIndex(2));
  ops.length = 0;
  await s.close();
  const walFlush = ops.indexOf(`flush ${walName(dir)}`);
  const clean = ops.lastIndexOf('rename env-state.json.tmp');
  assert.ok(walFlush >= 0 && walFlush < clean, `WAL flushed before the clean mark: ${ops.join(', ')}`);
});

test('an env that cannot be trusted is removed before env-state names the new boot (a crash in between must not make it trusted)', async () => {
  const dir = freshDir();
  const a = openStore(dir, { ...OPTS, bootId: 'A' });
  a.persist({ entries: [ent(1)], hardState: { term: 7, vote: 'n1', commit: 1 } });
  ops.length = 0;
  // a crash: no clean close (the WAL and the lock are let go without the clean mark)
  await (a as unknown as { wal: { close(): Promise<void> } }).wal.close();
  (a as unknown as { lock: { release(): void } }).lock.release();
  ops.length = 0;
  const b = openStore(dir, { ...OPTS, bootId: 'B' });
  await b.close();
  const removed = ops.indexOf('remove data.mdb');
  const stateWritten = ops.indexOf('rename env-state.json.tmp');
  assert.ok(removed >= 0 && removed < stateWritten, `env removed before env-state is written: ${ops.join(', ')}`);
});

test('a dir from before the WAL whose first open fails while creating the WAL keeps its env trusted: nothing is lost in the next boot', async () => {
  const dir = freshDir();
  const s = openStore(dir, { ...OPTS, bootId: 'A' });
  s.persistAndApply({ entries: [ent(1), ent(2), ent(3)], hardState: { term: 7, vote: 'n1', commit: 3 } }, (w) => w.setAppliedIndex(3));
  await s.close();
  for (const n of readdirSync(dir)) if (/^wal-|^env-state/.test(n)) rmSync(join(dir, n)); // now a pre-WAL dir
  assert.throws(() => openStore(dir, { ...OPTS, bootId: 'A', walSegmentBytes: 2 ** 62 }), 'creating the first segment fails (ftruncate beyond any size)');
  assert.ok(!readdirSync(dir).includes('env-state.json'), 'env-state is written only once the WAL exists');
  const t = openStore(dir, { ...OPTS, bootId: 'B' });
  try {
    assert.deepEqual(t.hardState(), { term: 7, vote: 'n1', commit: 3 });
    assert.equal(t.lastIndex(), 3);
    assert.equal(t.kv.appliedIndex(), 3);
  } finally {
    await t.close();
  }
});
