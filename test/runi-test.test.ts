// `runi test` end to end on a copy of examples-repo: every golden scenario passes; a wrong expected record
// fails with a record-level diff and exit 1; --update rewrites the expected file so it passes again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../cli/main.ts';
import type { Output } from '../cli/output.ts';

async function runi(...argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const o: Output = { out: (t) => void (out += t), err: (t) => void (out += t), color: false, tty: false };
  return { code: await main(argv, o), out };
}

test('runi test passes on the examples, reports a changed record with its fields, and --update fixes it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runink-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const repo = join(dir, 'repo');
  cpSync(join(import.meta.dirname, '../examples-repo'), repo, { recursive: true });
  const all = await runi('test', '--repo', repo);
  assert.equal(all.code, 0, all.out);
  assert.match(all.out, /6 passed, 0 failed/);

  const expected = join(repo, 'golden/orders-bronze/ingest-raw-orders/expected/bronze_orders.ndjson');
  const lines = readFileSync(expected, 'utf8').split('\n');
  const first = JSON.parse(lines[0]!) as Record<string, unknown>;
  lines[0] = JSON.stringify({ ...first, status: 'tampered' });
  writeFileSync(expected, lines.join('\n'));
  const failed = await runi('test', '--repo', repo, 'orders-bronze/ingest-raw-orders');
  assert.equal(failed.code, 1);
  assert.match(failed.out, /FAIL\s+orders-bronze\/ingest-raw-orders/);
  assert.match(failed.out, /sink bronze_orders:/);
  assert.match(failed.out, /status: "tampered" → /);

  const updated = await runi('test', '--repo', repo, 'orders-bronze', '--update');
  assert.equal(updated.code, 0);
  assert.equal((await runi('test', '--repo', repo, 'orders-bronze')).code, 0);
  assert.equal(JSON.parse(readFileSync(expected, 'utf8').split('\n')[0]!).status, first['status']);
});
