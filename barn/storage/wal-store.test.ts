// The store across machine restarts: its LMDB env is written without flushing, so it is trusted only in the
// boot that wrote it or after a clean close, and otherwise rebuilt from the snapshot file and the WAL
// (env-trust.ts, env-recovery.ts). A machine restart is acted out with another boot id; a torn env with garbage
// written over it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, readdirSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { RuninkError } from '../../common/error.ts';
import { seededRng } from '../../common/rng.ts';
import { CHILD_CONF, CHILD_ID, childEntry } from './machine-restart-child.fixture.ts';
import { openStore, type LmdbStore } from './lmdb-store.ts';

const root = mkdtempSync(join(tmpdir(), 'runink-barn-restart-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const childScript = fileURLToPath(new URL('./machine-restart-child.fixture.ts', import.meta.url));

/** Runs the child until it has written its history, then kills it with SIGKILL. */
async function crashedChild(): Promise<string> {
  const dir = join(root, `dir-${++dirs}`);
  const child = spawn(process.execPath, ['--import', 'tsx', childScript, dir], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      if (out.includes('ready\n')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`child exited with ${code} before it was ready`)));
  });
  child.removeAllListeners('exit');
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
  return dir;
}

/** The env's data file is sparse (MDB_WRITEMAP extends it to the map size): its pages all lie in this many
 * bytes here, which tearEnv checks by finding only zeros in the next MiB. */
const ENV_SPAN = 8 * 1024 ** 2;

/** Overwrites the env's data file with seeded garbage after its first pages: what a torn env may look like. */
function tearEnv(dir: string): void {
  const path = join(dir, 'data.mdb');
  const size = statSync(path).size;
  if (size > ENV_SPAN) {
    const after = readSlice(path, ENV_SPAN, Math.min(1024 ** 2, size - ENV_SPAN));
    assert.ok(after.every((b) => b === 0), `the env's pages reach past ${ENV_SPAN} bytes: raise ENV_SPAN`);
  }
  writeGarbage(path, 8192, Math.max(0, Math.min(size, ENV_SPAN) - 8192), 7);
}

/** Overwrites `length` bytes of `path` from `at` with garbage from `seed`. */
function writeGarbage(path: string, at: number, length: number, seed: number): void {
  const rng = seededRng(seed);
  const garbage = Buffer.alloc(length);
  for (let k = 0; k < garbage.length; k++) garbage[k] = rng.int(256);
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, garbage, 0, garbage.length, at);
  } finally {
    closeSync(fd);
  }
}

function readSlice(path: string, at: number, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(length);
    readSync(fd, buf, 0, length, at);
    return buf;
  } finally {
    closeSync(fd);
  }
}

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

/** The child's durable Raft state, as a store rebuilt from the snapshot file and the WAL must have it. */
function assertRebuiltRaftState(store: LmdbStore): void {
  assert.equal(store.snapshotMetadata().index, 20);
  assert.equal(text(store.readSnapshot().data), 'snapshot at 20');
  assert.equal(store.lastIndex(), 33, 'the entries the child kept in its tail (never in the env) came from the WAL');
  assert.deepEqual(store.entries(21, 34, Infinity), Array.from({ length: 13 }, (_, k) => childEntry(21 + k, 2)));
  assert.deepEqual(store.hardState(), { term: 2, vote: 'n1', commit: 30 });
}

/** Makes `dir` a dir from before the WAL existed: closed cleanly, then its WAL segments and env-state removed. */
async function withoutWal(dir: string): Promise<void> {
  await openStore(dir, { ...CHILD_ID, bootId: 'boot-A' }).close();
  for (const name of readdirSync(dir)) if (name.startsWith('wal-') || name.startsWith('env-state')) rmSync(join(dir, name));
}

test('after a machine restart the env is rebuilt from the snapshot file and the WAL: the durable Raft state comes back whole, the state machine restarts from the snapshot', async () => {
  const dir = await crashedChild();
  tearEnv(dir);
  const store = openStore(dir, { ...CHILD_ID, bootId: 'boot-B' });
  try {
    assertRebuiltRaftState(store);
    assert.deepEqual(store.initialState().confState, CHILD_CONF);
    assert.equal(store.firstIndex(), 21, 'the log starts after the snapshot (the compaction margin is not kept)');
    assert.equal(store.term(20), 1);
    assert.equal(store.kv.appliedIndex(), 0, 'the state machine is empty: the node restores the snapshot and re-applies');
    assert.equal(store.kv.get('k'), undefined);
  } finally {
    await store.close();
  }
});

test('in the same boot a kill -9 leaves the env trusted: the applied state is kept, nothing is rebuilt', async () => {
  const dir = await crashedChild();
  const store = openStore(dir, { ...CHILD_ID, bootId: 'boot-A' });
  try {
    assert.equal(store.kv.appliedIndex(), 28);
    assert.equal(store.kv.get('k')?.value, 'at 20');
    assert.equal(store.firstIndex(), 16, 'the compaction the env made is kept');
    assert.equal(store.lastIndex(), 33, 'the tail the child never wrote to the env is caught up from the WAL');
    assert.deepEqual(store.entries(31, 34, Infinity), [31, 32, 33].map((i) => childEntry(i, 2)));
    assert.deepEqual(store.hardState(), { term: 2, vote: 'n1', commit: 30 });
  } finally {
    await store.close();
  }
});

test('a clean close makes the env trusted after a machine restart too', async () => {
  const dir = await crashedChild();
  const first = openStore(dir, { ...CHILD_ID, bootId: 'boot-A' });
  await first.close();
  const store = openStore(dir, { ...CHILD_ID, bootId: 'boot-B' });
  try {
    assert.equal(store.kv.appliedIndex(), 28, 'not rebuilt');
    assert.equal(store.kv.get('k')?.value, 'at 20');
  } finally {
    await store.close();
  }
});

test('a dir written before the WAL existed is adopted: its env is trusted and seeds the first WAL segment', async () => {
  const dir = await crashedChild();
  await withoutWal(dir);
  const adopted = openStore(dir, { ...CHILD_ID, bootId: 'boot-B' });
  assert.equal(adopted.kv.appliedIndex(), 28);
  assert.ok(readdirSync(dir).some((n) => /^wal-\d{20}\.log$/.test(n)), 'a WAL segment was created');
  await adopted.close();
  rmSync(join(dir, 'data.mdb'));
  rmSync(join(dir, 'env-state.json'));
  const rebuilt = openStore(dir, { ...CHILD_ID, bootId: 'boot-C' });
  try {
    assert.equal(rebuilt.lastIndex(), 33, 'the seeded WAL alone rebuilds the log');
    assert.deepEqual(rebuilt.hardState(), { term: 2, vote: 'n1', commit: 30 });
    assert.equal(rebuilt.snapshot().metadata.index, 20);
  } finally {
    await rebuilt.close();
  }
});

test('a WAL of another cluster is refused before anything in the dir changes', async () => {
  const dir = await crashedChild();
  // barn.lock is the dead child's: the failed open takes it over and releases it (dir-lock.ts)
  const files = (): Array<[string, number]> => readdirSync(dir).filter((n) => n !== 'barn.lock').sort().map((n) => [n, statSync(join(dir, n)).mtimeMs]);
  const before = files();
  assert.throws(() => openStore(dir, { clusterId: 'other', nodeId: 'n1', bootId: 'boot-B' }), /belongs to cluster "c-restart"/);
  assert.deepEqual(files(), before);
  assert.ok(existsSync(join(dir, 'data.mdb')));
});

/** Overwrites the start of the env's data file (its meta pages included) with seeded garbage. */
function overwriteEnvHead(dir: string): void {
  writeGarbage(join(dir, 'data.mdb'), 0, 16_384, 11);
}

test('a data.mdb overwritten from its first byte is never handed to lmdb-js (it would crash the process): even in the boot that wrote it, it is rebuilt from the snapshot file and the WAL', async () => {
  const dir = await crashedChild();
  overwriteEnvHead(dir);
  const store = openStore(dir, { ...CHILD_ID, bootId: 'boot-A' });
  try {
    assertRebuiltRaftState(store);
  } finally {
    await store.close();
  }
});

test('a dir without a WAL whose data.mdb is not an LMDB file is refused with CORRUPT, naming the file and what to do, and nothing in it changes', async () => {
  const dir = await crashedChild();
  await withoutWal(dir);
  overwriteEnvHead(dir);
  const files = (): Array<[string, number, number]> => readdirSync(dir).filter((n) => n !== 'barn.lock').sort().map((n) => [n, statSync(join(dir, n)).size, statSync(join(dir, n)).mtimeMs]);
  const before = files();
  assert.throws(
    () => openStore(dir, { ...CHILD_ID, bootId: 'boot-B' }),
    (e: unknown) => e instanceof RuninkError && e.code === 'BARN_STORAGE_CORRUPT' && e.message.includes(dir) && /data\.mdb does not begin with an LMDB meta page/.test(e.message) && /restore it from a backup/.test(e.message),
  );
  assert.deepEqual(files(), before);
});
