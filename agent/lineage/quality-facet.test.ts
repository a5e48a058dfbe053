import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileRecordValidator, isCompileFailure } from '../../contracts/record-validator/compile-record-validator.ts';
import { assertionsFromQuality, toAssertion } from './quality-facet.ts';

const contract = {
  apiVersion: 'v3.1.0',
  kind: 'DataContract',
  id: 'q',
  version: '1.0.0',
  status: 'active',
  schema: [
    {
      name: 'orders',
      properties: [
        { name: 'order_id', logicalType: 'string', quality: [{ type: 'library', metric: 'duplicateValues', mustBe: 0, dimension: 'uniqueness', severity: 'error' }] },
      ],
      quality: [{ type: 'library', metric: 'rowCount', mustBeGreaterThan: 2 }],
    },
  ],
};

test("the record validator's rule results become assertions with verdict, column, rule and measurement", () => {
  const validator = compileRecordValidator(contract);
  assert.ok(!isCompileFailure(validator), JSON.stringify(validator));
  const state = validator.quality();
  for (const id of ['A', 'B', 'A']) state.observe({ order_id: id });
  const assertions = assertionsFromQuality(state.results()).map(toAssertion);
  const dup = assertions.find((a) => a.assertion === 'duplicateValues');
  const rows = assertions.find((a) => a.assertion === 'rowCount');
  assert.equal(dup?.success, false, 'one duplicate order_id breaks `mustBe: 0`');
  assert.equal(dup?.column, 'order_id');
  assert.equal(dup?.actual, '1');
  assert.equal(dup?.severity, 'error');
  assert.deepEqual(dup?.params, { dimension: 'uniqueness' });
  assert.equal(rows?.success, true, 'three rows pass `mustBeGreaterThan: 2`');
  assert.equal(rows?.column, undefined, 'a dataset-level rule has no column');
  assert.equal(rows?.actual, '3');
});

test('a verdict-only assertion keeps its verdict and gets no record counts', () => {
  assert.deepEqual(toAssertion({ assertion: 'freshness', success: false, expected: '< 2h', actual: '3h' }), {
    assertion: 'freshness',
    success: false,
    expected: '< 2h',
    actual: '3h',
  });
});

test('counted assertions succeed only when no record failed', () => {
  assert.equal(toAssertion({ assertion: 'pattern', column: 'email', passed: 4, failed: 0 }).success, true);
  const failed = toAssertion({ assertion: 'pattern', column: 'email', passed: 3, failed: 1 });
  assert.equal(failed.success, false);
  assert.equal(failed.actual, '1 of 4 records failed');
  assert.deepEqual(failed.params, { passed: 3, failed: 1 });
});
