// GET /metrics reports the node as it is when scraped: the gauges are read then (metrics.ts), not set per Ready.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempBarn, TEST_BARN_TOKEN, testBarn } from './test-barn.ts';

function gauge(body: string, name: string): number {
  const line = body.split('\n').find((l) => l.startsWith(`${name} `));
  assert.ok(line !== undefined, `${name} is exposed`);
  return Number(line.slice(name.length + 1));
}

test('the scraped gauges show the term, the indexes, the role and the revision after writes', { timeout: 60_000 }, async (t) => {
  const { barn, client } = await tempBarn(t, 'barn-metrics-');
  const last = await client.put('/m/b', 2);
  assert.ok(last.ok);
  const res = await fetch(`${barn.url}/metrics`, { headers: { authorization: `Bearer ${TEST_BARN_TOKEN}` } });
  assert.equal(res.status, 200);
  const body = await res.text();
  const status = barn.node.status();
  assert.equal(gauge(body, 'barn_raft_is_leader'), 1);
  assert.equal(gauge(body, 'barn_raft_term'), status.term);
  assert.ok(status.term >= 1);
  assert.equal(gauge(body, 'barn_kv_revision'), last.value.revision);
  assert.equal(gauge(body, 'barn_raft_applied_index'), status.appliedIndex);
  assert.ok(gauge(body, 'barn_raft_commit_index') >= status.appliedIndex);
  assert.ok(gauge(body, 'barn_proposals_total{result="proposed"}') >= 2);
});

test('a stopped node still answers a scrape, with what it had when it stopped', { timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'barn-metrics-stopped-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { barn, client } = await testBarn(join(dir, 'barn'));
  await client.close();
  const revision = barn.node.status().revision;
  await barn.close();
  const { body } = await barn.node.metrics.expose();
  assert.equal(gauge(body, 'barn_kv_revision'), revision);
});
