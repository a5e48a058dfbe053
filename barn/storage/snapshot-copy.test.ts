// The env copy's helpers on their own: caching the pages a read of the copy's index touches (a performance
// measure, docs/performance.md) must change nothing and never fail, whatever the copy is.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { encodeU64 } from './codec.ts';
import { META, STORE_FORMAT, openEnv } from './lmdb-env.ts';
import { cacheCopyIndexPages, copyEnv, readCopiedState } from './snapshot-copy.ts';

const root = mkdtempSync(join(tmpdir(), 'runink-barn-snapshot-copy-'));
after(() => rmSync(root, { recursive: true, force: true }));

const digest = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

test('caching a copy’s index pages leaves the copy byte for byte as it was, and its index still reads', async () => {
  const dbs = openEnv(join(root, 'env'), { format: STORE_FORMAT, clusterId: 'c-copy', nodeId: 'n1' });
  try {
    dbs.root.transactionSync(() => {
      for (let i = 0; i < 2_000; i++) dbs.records.putSync(Buffer.from(`k${i}`), Buffer.alloc(300, i));
      dbs.meta.putSync(META.kvApplied, encodeU64(400));
    });
    const copy = join(root, 'copy.lmdb');
    await copyEnv(dbs.root, copy, true);
    const before = digest(join(copy, 'data.mdb'));
    await cacheCopyIndexPages(copy);
    assert.equal(digest(join(copy, 'data.mdb')), before);
    assert.equal(readCopiedState(copy).index, 400);
  } finally {
    await dbs.root.close();
  }
});

test('caching the pages of a copy that is missing, empty or shorter than a page resolves without an error', async () => {
  await cacheCopyIndexPages(join(root, 'no-such-copy'));
  for (const bytes of [0, 100]) {
    const dir = join(root, `short-${bytes}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'data.mdb'), Buffer.alloc(bytes, 7));
    await cacheCopyIndexPages(dir);
    assert.equal(readFileSync(join(dir, 'data.mdb')).length, bytes);
  }
});
