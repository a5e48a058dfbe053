// LmdbKv against MemoryBackend (barn/state/memory-backend.ts, which documents the LMDB store's semantics): the
// same seeded random transactions on both, every read compared, inside and outside the transactions — applied
// as env transactions, and in memory with random write-backs to the env (write-back mode).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isRuninkError } from '../../common/error.ts';
import { seededRng, type Rng } from '../../common/rng.ts';
import type { KvReader, KvRecord, KvWriter } from '../state/backend.ts';
import { MemoryBackend } from '../state/memory-backend.ts';
import { openStore, type LmdbStore } from './lmdb-store.ts';

const KEYS = ['', 'a', 'a/1', 'a/2', 'b', 'b/x', 'é', '\uFFFD', '\u{1F600}', 'z'];

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)] as T;
}

function randomValue(rng: Rng): unknown {
  return pick(rng, [rng.int(1000), `s${rng.int(50)}`, { n: rng.int(9), list: [1, 'two', null] }, null, true]);
}

function bound(rng: Rng): string | undefined {
  return rng.int(4) === 0 ? undefined : pick(rng, KEYS);
}

/** Reads the same random things from both readers and compares them (errors by code). */
function compareReads(rng: Rng, lmdb: KvReader, mem: KvReader, where: string): void {
  const outcome = (read: (r: KvReader) => unknown) => (r: KvReader) => {
    try {
      return { ok: read(r) };
    } catch (e) {
      return { error: isRuninkError(e) ? e.code : String(e) };
    }
  };
  const reads: Array<(r: KvReader) => unknown> = [
    (r) => r.range('', undefined),
    (r) => [r.revision(), r.appliedIndex(), r.compactedRevision()],
  ];
  for (let k = 0; k < 4; k++) {
    const key = pick(rng, KEYS);
    const [start, end, limit] = [pick(rng, KEYS), bound(rng), rng.int(3) === 0 ? rng.int(4) : undefined];
    const from = Math.max(0, mem.compactedRevision() - 1 + rng.int(6));
    reads.push((r) => r.get(key));
    reads.push((r) => r.range(start, end, limit));
    reads.push((r) => r.history(start, end, from, limit));
  }
  for (const read of reads) assert.deepEqual(outcome(read)(lmdb), outcome(read)(mem), where);
}

/** One random transaction applied to a writer; the op list is drawn once so both writers get the same ops. */
function drawOps(rng: Rng, revision: number): Array<(w: KvWriter) => void> {
  const ops: Array<(w: KvWriter) => void> = [];
  let rev = revision;
  for (let n = 1 + rng.int(6); n > 0; n--) {
    const roll = rng.int(10);
    const key = pick(rng, KEYS);
    if (roll < 5) {
      rev += rng.int(2);
      const record: KvRecord = { key, value: randomValue(rng), createRevision: Math.max(1, rev - 2), modRevision: rev, version: 1 + rng.int(3) };
      const event = { type: 'put' as const, revision: rev, record };
      ops.push((w) => {
        w.putRecord(record);
        w.appendEvent(event);
      });
    } else if (roll < 7) {
      rev += 1;
      const event = { type: 'delete' as const, revision: rev, record: { key, value: null, createRevision: 1, modRevision: rev, version: 1 } };
      ops.push((w) => {
        w.deleteKey(key);
        w.appendEvent(event);
      });
    } else if (roll < 8) {
      const to = Math.max(0, rev - rng.int(5));
      ops.push((w) => w.compactHistory(to));
    } else if (roll < 9) {
      const bad = Math.max(0, rev - 3);
      ops.push((w) => w.appendEvent({ type: 'put', revision: bad, record: { key, value: 1, createRevision: 1, modRevision: bad, version: 1 } }));
    } else {
      ops.push(() => {
        throw new Error('abort');
      });
    }
  }
  const finalRev = rev;
  const applied = rng.int(100);
  ops.push((w) => {
    w.setRevision(finalRev);
    w.setAppliedIndex(applied);
  });
  return ops;
}

/** How a test applies a transaction to the LMDB store: an env transaction each, or in memory with the store
 * writing back to the env at random moments (LmdbStore write-back, kv-overlay.ts). */
type Mode = 'transaction' | 'write-back';
const MODES: readonly Mode[] = ['transaction', 'write-back'];

function applyTo<T>(store: LmdbStore, mode: Mode, fn: (w: KvWriter) => T): T {
  return mode === 'transaction' ? store.kv.write(fn) : store.kv.applyInMemory(fn);
}

for (const mode of MODES) {
  test(`LmdbKv (${mode}) and MemoryBackend agree on every read through seeded random transactions and reopens`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runink-barn-kvdiff-'));
    const open = (): LmdbStore => openStore(dir, { clusterId: 'c-diff', nodeId: 'n1', noSync: true, writeBack: mode === 'write-back' });
    let store = open();
    const mem = new MemoryBackend();
    const rng = seededRng(4242);
    let committed = 0;
    try {
      for (let txn = 0; txn < 300; txn++) {
        const ops = drawOps(rng, mem.revision());
        const memResult = attempt(() => mem.write((w) => ops.forEach((op) => op(w))));
        const lmdbResult = attempt(() => applyTo(store, mode, (w) => ops.forEach((op) => op(w))));
        assert.equal(lmdbResult, memResult, `transaction ${txn} commits or aborts on both`);
        if (memResult === 'ok') committed++;
        if (mode === 'write-back' && rng.int(5) === 0) store.writeBack();
        if (rng.int(60) === 0) {
          await store.close(); // writes back what is in memory
          store = open();
        }
        compareReads(rng, store.kv, mem, `after transaction ${txn}`);
      }
      assert.ok(committed > 50, `enough transactions committed (${committed})`);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test(`inside a transaction both writers (${mode}) see their own writes the same way`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runink-barn-kvdiff-'));
    const store = openStore(dir, { clusterId: 'c-diff', nodeId: 'n1', noSync: true, writeBack: mode === 'write-back' });
    const mem = new MemoryBackend();
    const rng = seededRng(99);
    try {
      for (let txn = 0; txn < 100; txn++) {
        const ops = drawOps(rng, mem.revision()).filter((_, k, all) => k === all.length - 1 || rng.int(4) !== 0);
        const readSeed = rng.int(1_000_000);
        const safe = (w: KvWriter, op: (w: KvWriter) => void): void => void attempt(() => op(w));
        // Run the memory transaction inside the LMDB one so both writers are open at the same time.
        attempt(() =>
          applyTo(store, mode, (lw) =>
            mem.write((mw) => {
              for (const op of ops) {
                safe(lw, op);
                safe(mw, op);
              }
              compareReads(seededRng(readSeed), lw, mw, `inside transaction ${txn}`);
            }),
          ),
        );
        if (mode === 'write-back' && rng.int(4) === 0) store.writeBack();
        compareReads(rng, store.kv, mem, `after transaction ${txn}`);
      }
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

function attempt(fn: () => void): 'ok' | 'aborted' {
  try {
    fn();
    return 'ok';
  } catch {
    return 'aborted';
  }
}
