// The log table in chunks (lmdb-log.ts, log-chunk.ts) against a model: seeded runs of appends (with conflicting
// suffixes cut inside a chunk), compactions (inside a chunk), resets and reopens, on a real env. Every read is
// compared with the model; BARN_LOG_SEED=n reproduces a run.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isRuninkError } from '../../common/error.ts';
import { seededRng } from '../../common/rng.ts';
import type { Entry } from '../raft/types.ts';
import { encodeEntry, u64Key } from './codec.ts';
import { openEnv, type StoreDbs } from './lmdb-env.ts';
import { appendEntries, compactLog, loadLog, logTerm, readEntries, resetLog, type LogState } from './lmdb-log.ts';
import { CHUNK_MAX_ENTRIES, decodeChunk, encodeChunk, splitChunks } from './log-chunk.ts';
import { ent } from './test-entries.ts';

const SEED = Number(process.env['BARN_LOG_SEED'] ?? 5);
const ID = { format: 1, clusterId: 'c-log', nodeId: 'n1' };
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function freshDbs(): { dir: string; dbs: StoreDbs } {
  const dir = mkdtempSync(join(tmpdir(), 'barn-log-'));
  dirs.push(dir);
  return { dir, dbs: openEnv(dir, ID) };
}

const write = <T>(dbs: StoreDbs, fn: () => T): T => dbs.root.transactionSync(fn);

/** The model: the entries (offset, last] and the offset's term. */
interface Model {
  offset: number;
  offsetTerm: number;
  entries: Entry[];
}

function check(dbs: StoreDbs, log: LogState, m: Model, label: string): void {
  const last = m.offset + m.entries.length;
  assert.deepEqual([log.offsetIndex, log.offsetTerm, log.lastIndex], [m.offset, m.offsetTerm, last], `${label}: shape`);
  assert.deepEqual(readEntries(dbs, log, m.offset + 1, last + 1, Infinity), m.entries, `${label}: every entry`);
  for (const e of m.entries) assert.equal(logTerm(log, e.index), e.term, `${label}: term of ${e.index}`);
  if (m.entries.length > 2) {
    const lo = m.offset + 2;
    const got = readEntries(dbs, log, lo, last + 1, 30);
    assert.ok(got.length >= 1 && got[0]!.index === lo, `${label}: a size-limited read starts at lo`);
    assert.deepEqual(got, m.entries.slice(1, 1 + got.length), `${label}: a size-limited read is a prefix`);
  }
}

test('the chunked log reads back exactly what a model holds through appends, conflicts, compactions, resets and reopens', async () => {
  const rng = seededRng(SEED);
  const fresh = freshDbs();
  const dir = fresh.dir;
  let dbs = fresh.dbs;
  let log = loadLog(dbs);
  const m: Model = { offset: 0, offsetTerm: 0, entries: [] };
  let term = 1;
  for (let step = 0; step < 400; step++) {
    const last = m.offset + m.entries.length;
    const label = `seed ${SEED}, step ${step}`;
    const op = rng.int(20);
    if (op < 12) {
      // an append, from past the end or over a suffix (a conflict), with a term at least the previous entry's
      const from = m.entries.length === 0 || rng.int(3) > 0 ? last + 1 : m.offset + 1 + rng.int(m.entries.length);
      if (from <= last) term++;
      const count = 1 + rng.int(rng.int(4) === 0 ? 200 : 20);
      const fresh = Array.from({ length: count }, (_, k) => ent(from + k, term, 'x'.repeat(rng.int(600))));
      log = write(dbs, () => appendEntries(dbs, log, fresh));
      m.entries = [...m.entries.slice(0, from - m.offset - 1), ...fresh];
    } else if (op < 16 && m.entries.length > 0) {
      const index = m.offset + 1 + rng.int(m.entries.length);
      const t = m.entries[index - m.offset - 1]!.term;
      log = write(dbs, () => compactLog(dbs, log, index));
      m.entries = m.entries.slice(index - m.offset);
      [m.offset, m.offsetTerm] = [index, t];
    } else if (op === 16) {
      const index = last + rng.int(50);
      term++;
      log = write(dbs, () => resetLog(dbs, log, index, term));
      [m.offset, m.offsetTerm, m.entries] = [index, term, []];
    } else {
      await dbs.root.close();
      dbs = openEnv(dir, ID);
      log = loadLog(dbs);
    }
    check(dbs, log, m, label);
  }
  await dbs.root.close();
  const reopened = openEnv(dir, ID);
  check(reopened, loadLog(reopened), m, `seed ${SEED}, final reopen`);
  await reopened.root.close();
});

test('entries stored one per key (before chunks) are read, truncated, compacted and appended to like chunks of one', async () => {
  const { dir, dbs } = freshDbs();
  write(dbs, () => {
    for (let i = 1; i <= 10; i++) dbs.log.putSync(u64Key(i), encodeEntry(ent(i, 1)));
  });
  let log = loadLog(dbs);
  assert.equal(log.lastIndex, 10);
  assert.deepEqual(readEntries(dbs, log, 3, 6, Infinity), [ent(3, 1), ent(4, 1), ent(5, 1)]);
  log = write(dbs, () => compactLog(dbs, log, 4));
  log = write(dbs, () => appendEntries(dbs, log, [ent(8, 2), ent(9, 2)]));
  const want = [ent(5, 1), ent(6, 1), ent(7, 1), ent(8, 2), ent(9, 2)];
  assert.deepEqual(readEntries(dbs, log, 5, 10, Infinity), want);
  await dbs.root.close();
  const again = openEnv(dir, ID);
  assert.deepEqual(readEntries(again, loadLog(again), 5, 10, Infinity), want);
  await again.root.close();
});

test('a hole between chunks is reported at open as a corrupt log, naming the entries', async () => {
  const { dbs } = freshDbs();
  write(dbs, () => {
    dbs.log.putSync(u64Key(1), encodeChunk([ent(1, 1), ent(2, 1)]));
    dbs.log.putSync(u64Key(4), encodeChunk([ent(4, 1)]));
  });
  assert.throws(() => loadLog(dbs), (e: unknown) => isRuninkError(e, 'BARN_STORAGE_CORRUPT') && /entries 4 to 4, after entry 2/.test(e.message));
  await dbs.root.close();
});

test('a chunk stored under the wrong key is corrupt, not served', () => {
  const chunk = encodeChunk([ent(7, 1), ent(8, 1)]);
  assert.deepEqual(decodeChunk(chunk, 7), [ent(7, 1), ent(8, 1)]);
  assert.throws(() => decodeChunk(chunk, 6), (e: unknown) => isRuninkError(e, 'BARN_STORAGE_CORRUPT'));
  assert.throws(() => decodeChunk(chunk.subarray(0, chunk.length - 3), 7), (e: unknown) => isRuninkError(e, 'BARN_STORAGE_CORRUPT'));
});

test('entries are split into chunks of at most 64 entries and 32 KiB, a larger entry alone', () => {
  const small = Array.from({ length: 150 }, (_, k) => ent(k + 1, 1));
  assert.deepEqual(splitChunks(small).map((c) => c.length), [CHUNK_MAX_ENTRIES, CHUNK_MAX_ENTRIES, 22]);
  const big = [ent(1, 1, 'a'.repeat(40_000)), ent(2, 1, 'b'.repeat(20_000)), ent(3, 1, 'c'.repeat(20_000))];
  assert.deepEqual(splitChunks(big).map((c) => c.map((e) => e.index)), [[1], [2], [3]]);
});
