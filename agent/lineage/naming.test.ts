import assert from 'node:assert/strict';
import { test } from 'node:test';
import { datasetName, jobNamespace, resolvedDatasetName } from './naming.ts';

test('a file dataset is named by its herd and its path in the herd data root', () => {
  assert.deepEqual(datasetName('retail', 'file://bronze/orders/live.ndjson', 's/x', 'n'), { namespace: 'runink://retail', name: 'bronze/orders/live.ndjson' });
  assert.deepEqual(datasetName('retail', 'file://landing/orders/*.ndjson', 's/x', 'n'), { namespace: 'runink://retail', name: 'landing/orders/*.ndjson' });
});

test("a path under shared/<herd>/ names the other herd's dataset, so reader and writer meet", () => {
  assert.deepEqual(datasetName('finance', 'file://shared/retail/silver/orders.ndjson', 's/x', 'n'), datasetName('retail', 'file://silver/orders.ndjson', 's/y', 'm'));
  assert.deepEqual(resolvedDatasetName('finance', 'shared/retail/silver/orders.ndjson'), { namespace: 'runink://retail', name: 'silver/orders.ndjson' });
});

test('stdin and stdout are streams of one scenario node', () => {
  assert.deepEqual(datasetName('finance', 'stdin:', 'payments-bronze/stream-psp-events', 'psp_events'), {
    namespace: 'runink://finance',
    name: 'stdin/payments-bronze/stream-psp-events/psp_events',
  });
  assert.equal(datasetName('finance', 'stdout:', 'p/s', 'out').name, 'stdout/p/s/out');
});

test('the job namespace is the project and the herd', () => {
  assert.equal(jobNamespace('acme-shop-data', 'retail'), 'acme-shop-data/retail');
});
