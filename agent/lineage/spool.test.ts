import assert from 'node:assert/strict';
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isRuninkError } from '../../common/error.ts';
import { Spool, spoolPath } from './spool.ts';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const base = join(tmpdir(), 'agent-lineage');
  await mkdir(base, { recursive: true });
  const d = await mkdtemp(join(base, 'spool-'));
  dirs.push(d);
  return d;
}

const opts = (dir: string, maxBytes = 1 << 20) => ({ dir, name: 'ol', maxBytes, fsync: false });

test('a reopened spool holds exactly the events that were never acknowledged, in order', async () => {
  const dir = await tempDir();
  const a = await Spool.open(opts(dir));
  for (const n of [1, 2, 3, 4]) await a.append({ n });
  await a.ack(1);
  await a.ack(2);
  await a.close();
  const b = await Spool.open(opts(dir));
  assert.deepEqual(b.pending().map((e) => e.event), [{ n: 3 }, { n: 4 }]);
  const next = await b.append({ n: 5 });
  assert.equal(next.seq, 5, 'sequence numbers continue after the replayed ones');
  await b.close();
});

test('acknowledging the last pending event empties the spool file', async () => {
  const dir = await tempDir();
  const s = await Spool.open(opts(dir));
  const e = await s.append({ n: 1 });
  assert.notEqual(await readFile(spoolPath(dir, 'ol'), 'utf8'), '');
  await s.ack(e.seq);
  assert.equal(await readFile(spoolPath(dir, 'ol'), 'utf8'), '');
  assert.equal(s.bytes, 0);
  await s.close();
});

test('acks out of order are refused, so no event is ever skipped', async () => {
  const s = await Spool.open(opts(await tempDir()));
  await s.append({ n: 1 });
  const second = await s.append({ n: 2 });
  await assert.rejects(s.ack(second.seq), /out of order/);
  assert.equal(s.pending().length, 2);
  await s.close();
});

test('a torn last line from a crash mid-append is dropped and the file is repaired', async () => {
  const dir = await tempDir();
  const s = await Spool.open(opts(dir));
  await s.append({ n: 1 });
  await s.close();
  await appendFile(spoolPath(dir, 'ol'), '{"seq":2,"event":{"n"');
  const reopened = await Spool.open(opts(dir));
  assert.deepEqual(reopened.pending().map((e) => e.event), [{ n: 1 }]);
  await reopened.append({ n: 2 });
  await reopened.close();
  const lines = (await readFile(spoolPath(dir, 'ol'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { event: unknown });
  assert.deepEqual(lines.map((l) => l.event), [{ n: 1 }, { n: 2 }]);
});

test('an unreadable line in the middle of the spool is LINEAGE_SPOOL_CORRUPT with its line number', async () => {
  const dir = await tempDir();
  await writeFile(spoolPath(dir, 'ol'), '{"seq":1,"event":{}}\nnot json\n{"seq":2,"event":{}}\n');
  await assert.rejects(Spool.open(opts(dir)), (e: unknown) => isRuninkError(e, 'LINEAGE_SPOOL_CORRUPT') && e.data['line'] === 2);
});

test('an append past the size bound fails with LINEAGE_SPOOL_FULL and writes nothing', async () => {
  const dir = await tempDir();
  const s = await Spool.open(opts(dir, 60));
  await s.append({ text: 'x'.repeat(20) });
  const before = await readFile(spoolPath(dir, 'ol'), 'utf8');
  await assert.rejects(s.append({ text: 'y'.repeat(20) }), (e: unknown) => isRuninkError(e, 'LINEAGE_SPOOL_FULL') && e.data['maxBytes'] === 60);
  assert.equal(await readFile(spoolPath(dir, 'ol'), 'utf8'), before);
  assert.equal(s.pending().length, 1);
  await s.close();
});

test('a spool with many acknowledged events is compacted to the pending ones', async () => {
  const dir = await tempDir();
  const s = await Spool.open(opts(dir));
  const big = 'z'.repeat(2000);
  for (let i = 0; i < 60; i++) await s.append({ i, big });
  for (let i = 1; i <= 55; i++) await s.ack(i);
  await s.close();
  const text = await readFile(spoolPath(dir, 'ol'), 'utf8');
  assert.ok(Buffer.byteLength(text) < 2 * 5 * 2100 + 65536, `compacted to ${Buffer.byteLength(text)} bytes`);
  const reopened = await Spool.open(opts(dir));
  assert.deepEqual(reopened.pending().map((e) => (e.event as { i: number }).i), [55, 56, 57, 58, 59]);
  await reopened.close();
});

test('a spool open in a live emitter cannot be opened twice; after close it can', async () => {
  const dir = await tempDir();
  const first = await Spool.open(opts(dir));
  await assert.rejects(Spool.open(opts(dir)), (e: unknown) => isRuninkError(e, 'LINEAGE_SPOOL_LOCKED') && e.data['pid'] === process.pid);
  await first.close();
  const second = await Spool.open(opts(dir));
  await second.close();
});

test("the lock of a process that is gone is taken over, a live process's lock is respected", async () => {
  const dir = await tempDir();
  await writeFile(`${spoolPath(dir, 'ol')}.lock`, '2147483646');
  const s = await Spool.open(opts(dir));
  assert.equal(await readFile(`${spoolPath(dir, 'ol')}.lock`, 'utf8'), String(process.pid));
  await s.close();
  await writeFile(`${spoolPath(dir, 'ol')}.lock`, String(process.ppid));
  await assert.rejects(Spool.open(opts(dir)), (e: unknown) => isRuninkError(e, 'LINEAGE_SPOOL_LOCKED') && e.data['pid'] === process.ppid);
});
