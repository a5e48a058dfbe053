import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OdcsDocument } from '../../contracts/odcs/types.ts';
import { schemaObjectFor } from './schema-facet.ts';

const doc = {
  apiVersion: 'v3.1.0',
  kind: 'DataContract',
  id: 'x',
  version: '1.0.0',
  status: 'active',
  schema: [
    { name: 'orders', physicalName: 'silver/orders' },
    { name: 'refunds', physicalName: 'silver/refunds' },
    { name: 'customers' },
  ],
} as OdcsDocument;

test('the schema object of a dataset is picked by physical name, then by file name, else the first', () => {
  assert.equal(schemaObjectFor(doc, 'silver/refunds.ndjson')?.name, 'refunds');
  assert.equal(schemaObjectFor(doc, 'shared/retail/silver/refunds.ndjson')?.name, 'refunds');
  assert.equal(schemaObjectFor(doc, 'exports/customers.csv')?.name, 'customers');
  assert.equal(schemaObjectFor(doc, 'other/thing.ndjson')?.name, 'orders');
  assert.equal(schemaObjectFor({ ...doc, schema: [] }, 'a.ndjson'), undefined);
});
