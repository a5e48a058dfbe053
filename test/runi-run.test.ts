// `runi run` end to end on a copy of examples-repo: the scenario runs against the herd's data root, writes its
// sinks, and (with --lineage) records START and COMPLETE for the same run; bad targets are usage errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../cli/main.ts';
import type { Output } from '../cli/output.ts';

async function runi(...argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const o: Output = { out: (t) => void (out += t), err: (t) => void (out += t), color: false, tty: false };
  return { code: await main(argv, o), out };
}

test('runi run writes the sinks in the herd data root and the run\'s lineage events', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runink-run-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const repo = join(dir, 'repo');
  cpSync(join(import.meta.dirname, '../examples-repo'), repo, { recursive: true });
  const lineage = join(dir, 'lineage.ndjson');
  const r = await runi('run', 'orders-bronze/ingest-raw-orders', '--repo', repo, '--lineage', lineage, '--json');
  assert.equal(r.code, 0, r.out);
  const result = JSON.parse(r.out) as { status: string; runId: string; stats: { recordsIn: Record<string, number> } };
  assert.equal(result.status, 'COMPLETE');
  assert.ok(Object.values(result.stats.recordsIn)[0]! > 0);
  const events = readFileSync(lineage, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { eventType: string; run: { runId: string } });
  assert.deepEqual(events.map((e) => e.eventType), ['START', 'COMPLETE']);
  assert.ok(events.every((e) => e.run.runId === result.runId));
  assert.ok(existsSync(join(repo, 'data/retail/deadletter/orders-bronze.ndjson')));
});

test('runi run --input replaces a source with a file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runink-run-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const repo = join(dir, 'repo');
  cpSync(join(import.meta.dirname, '../examples-repo'), repo, { recursive: true });
  const input = join(dir, 'one.ndjson');
  writeFileSync(input, '{"order_id":"X-1"}\n');
  const r = await runi('run', 'orders-bronze/ingest-raw-orders', '--repo', repo, '--input', `landing_orders=${input}`, '--json');
  assert.equal(r.code, 0, r.out);
  assert.equal((JSON.parse(r.out) as { stats: { recordsIn: Record<string, number>; deadLettered: number } }).stats.deadLettered, 1, 'the incomplete order is dead-lettered');
});

test('runi run names the scenarios when the target is unknown or ambiguous', async () => {
  const examples = join(import.meta.dirname, '../examples-repo');
  const unknown = await runi('run', 'nope', '--repo', examples);
  assert.equal(unknown.code, 2);
  assert.match(unknown.out, /no scenario `nope` \(scenarios: .*orders-bronze\/ingest-raw-orders/);
  const ambiguous = await runi('run', 'orders-bronze', '--repo', examples);
  assert.equal(ambiguous.code, 2);
  assert.match(ambiguous.out, /several scenarios/);
  const badInput = await runi('run', 'orders-bronze/ingest-raw-orders', '--repo', examples, '--input', 'nosuch=/tmp/x');
  assert.equal(badInput.code, 2);
});
