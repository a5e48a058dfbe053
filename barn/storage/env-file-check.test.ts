// env-file-check.ts: what lmdb-js writes passes; garbage, a short file and a zeroed head do not (lmdb-js would
// crash the process on them); an empty or missing file is a new env.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { open } from 'lmdb';
import { envFileProblem } from './env-file-check.ts';

const root = mkdtempSync(join(tmpdir(), 'runink-env-file-check-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('a data file lmdb-js wrote passes the check; an empty or missing one is a new env', async () => {
  const env = open(join(root, 'real'), {});
  await env.put('k', 'v');
  await env.close();
  assert.equal(envFileProblem(join(root, 'real', 'data.mdb')), undefined, 'if this fails, lmdb-js moved MDB_MAGIC: update MAGIC_OFFSETS');
  writeFileSync(join(root, 'empty.mdb'), '');
  assert.equal(envFileProblem(join(root, 'empty.mdb')), undefined);
  assert.equal(envFileProblem(join(root, 'missing.mdb')), undefined);
});

test('garbage, zeros and a file shorter than a meta page are each named for what is wrong', () => {
  writeFileSync(join(root, 'garbage.mdb'), Buffer.alloc(65_536, 7));
  assert.match(envFileProblem(join(root, 'garbage.mdb')) ?? '', /does not begin with an LMDB meta page/);
  writeFileSync(join(root, 'zeros.mdb'), Buffer.alloc(8_192));
  assert.match(envFileProblem(join(root, 'zeros.mdb')) ?? '', /no MDB_MAGIC/);
  writeFileSync(join(root, 'short.mdb'), Buffer.alloc(10, 1));
  assert.match(envFileProblem(join(root, 'short.mdb')) ?? '', /is 10 bytes long/);
});
