import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { compileRepo } from '../desired/compile-state.ts';
import { worktreeReader } from '../source/worktree-reader.ts';
import { datasetId, staticGraph, toMermaid } from './static-graph.ts';

test('dataset ids are per herd, and shared/<herd>/ paths name the other herd\'s dataset', () => {
  assert.equal(datasetId('retail', 'file://silver/orders.ndjson'), 'retail:silver/orders.ndjson');
  assert.equal(datasetId('finance', 'file://shared/retail/silver/orders.ndjson'), 'retail:silver/orders.ndjson');
  assert.equal(datasetId('finance', 'stdin:'), 'stdin:');
});

test('the examples graph links bronze to silver to gold across herds, and globs to the files they match', async () => {
  const state = await compileRepo(worktreeReader(join(import.meta.dirname, '../../examples-repo')));
  const graph = staticGraph(state);
  const edge = (from: string, to: string): boolean => graph.edges.some((e) => e.from === from && e.to === to);
  assert.ok(edge('orders-bronze/ingest-raw-orders', 'retail:bronze/orders/live.ndjson'));
  assert.ok(edge('retail:bronze/orders/live.ndjson', 'retail:bronze/orders/*.ndjson'));
  assert.ok(edge('retail:bronze/orders/*.ndjson', 'orders-silver/clean-and-mask-orders'));
  assert.ok(edge('retail:silver/orders.ndjson', 'revenue-gold/build-daily-revenue'));
  assert.ok(edge('retail:silver/customers.ndjson', 'revenue-gold/build-daily-revenue'));
  assert.ok(graph.edges.some((e) => e.from === 'revenue-gold/build-daily-revenue' && e.deadLetter === true));
  const mermaid = toMermaid(graph);
  assert.match(mermaid, /^flowchart LR\n/);
  assert.match(mermaid, /subgraph herd_finance/);
  assert.match(mermaid, /-\. dead letter \.->/);
});
