import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRecordValidator, isCompileFailure, type RecordValidator } from './compile-record-validator.ts';
import type { QualityResult } from './quality-state.ts';
import { holds, readOperator } from './operators.ts';

function validator(object: Record<string, unknown>): RecordValidator {
  const v = compileRecordValidator({ schema: [{ name: 'orders', ...object }] });
  if (isCompileFailure(v)) assert.fail(JSON.stringify(v.problems));
  return v;
}

function run(v: RecordValidator, records: unknown[]): QualityResult[] {
  const q = v.quality();
  for (const r of records) q.observe(r);
  assert.equal(q.rows, records.length);
  return q.results();
}

function evaluated(r: QualityResult | undefined): { passed: boolean; observed: number; expected: string } {
  assert.ok(r !== undefined && r.kind === 'evaluated', `expected an evaluated result, got ${JSON.stringify(r)}`);
  return { passed: r.passed, observed: r.observed, expected: r.expected };
}

const records = [{ id: 'a', status: 'new' }, { id: 'b', status: '' }, { id: 'a', status: null }, { id: null, status: 'n/a' }, { status: 'bogus' }];

test('nullValues counts null and absent values per record', () => {
  const v = validator({ properties: [{ name: 'id', quality: [{ metric: 'nullValues', mustBe: 0, dimension: 'completeness' }] }] });
  const [r] = run(v, records);
  assert.deepEqual(evaluated(r), { passed: false, observed: 2, expected: 'mustBe 0' });
  assert.equal(r!.rule, 'orders.id.nullValues');
  assert.equal(r!.dimension, 'completeness');
  assert.equal(r!.property, 'id');
});

test('nullValues with unit percent is measured against the rows observed', () => {
  const v = validator({ properties: [{ name: 'id', quality: [{ metric: 'nullValues', mustBeLessOrEqualTo: 40, unit: 'percent' }] }] });
  assert.deepEqual(evaluated(run(v, records)[0]), { passed: true, observed: 40, expected: 'mustBeLessOrEqualTo 40%' });
  assert.deepEqual(evaluated(run(v, [])[0]), { passed: true, observed: 0, expected: 'mustBeLessOrEqualTo 40%' });
});

test('missingValues uses the listed missing values, defaulting to null and empty text', () => {
  const byDefault = validator({ properties: [{ name: 'status', quality: [{ metric: 'missingValues', mustBeLessThan: 3 }] }] });
  assert.deepEqual(evaluated(run(byDefault, records)[0]), { passed: true, observed: 2, expected: 'mustBeLessThan 3' });
  const listed = validator({ properties: [{ name: 'status', quality: [{ metric: 'missingValues', mustBeLessThan: 3, arguments: { missingValues: [null, '', 'n/a'] } }] }] });
  assert.deepEqual(evaluated(run(listed, records)[0]), { passed: false, observed: 3, expected: 'mustBeLessThan 3' });
});

test('invalidValues counts values outside validValues (null only valid when listed) or not matching a pattern', () => {
  const list = validator({ properties: [{ name: 'status', quality: [{ metric: 'invalidValues', mustBe: 0, arguments: { validValues: ['new', '', null] } }] }] });
  assert.deepEqual(evaluated(run(list, records)[0]), { passed: false, observed: 2, expected: 'mustBe 0' });
  const pattern = validator({ properties: [{ name: 'status', quality: [{ metric: 'invalidValues', mustBeLessOrEqualTo: 2, arguments: { pattern: '^[a-z/]+$' } }] }] });
  assert.deepEqual(evaluated(run(pattern, records)[0]), { passed: true, observed: 1, expected: 'mustBeLessOrEqualTo 2' });
});

test('duplicateValues counts repeats of a property, ignoring nulls', () => {
  const v = validator({ properties: [{ name: 'id', quality: [{ metric: 'duplicateValues', mustBe: 0 }] }] });
  assert.deepEqual(evaluated(run(v, [...records, { id: 'a' }, { id: 1 }, { id: '1' }])[0]), { passed: false, observed: 2, expected: 'mustBe 0' });
});

test('schema-level duplicateValues compares the listed columns together', () => {
  const v = validator({ quality: [{ metric: 'duplicateValues', mustBe: 0, arguments: { properties: ['id', 'status'] } }] });
  const rows = [{ id: 'a', status: 'x' }, { id: 'a', status: 'y' }, { id: 'a', status: 'x' }, {}, {}];
  assert.deepEqual(evaluated(run(v, rows)[0]), { passed: false, observed: 1, expected: 'mustBe 0' });
});

test('rowCount compares the number of records with every operator', () => {
  const cases: Array<[Record<string, unknown>, boolean]> = [
    [{ mustBe: 5 }, true],
    [{ mustNotBe: 5 }, false],
    [{ mustBeGreaterThan: 5 }, false],
    [{ mustBeGreaterOrEqualTo: 5 }, true],
    [{ mustBeLessThan: 6 }, true],
    [{ mustBeLessOrEqualTo: 4 }, false],
    [{ mustBeBetween: [5, 10] }, true],
    [{ mustNotBeBetween: [1, 5] }, false],
  ];
  for (const [op, passed] of cases) {
    const v = validator({ quality: [{ metric: 'rowCount', ...op }] });
    const r = evaluated(run(v, records)[0]);
    assert.equal(r.observed, 5);
    assert.equal(r.passed, passed, JSON.stringify(op));
  }
});

test('sql, custom and text rules are reported as skipped with a reason, without warnings', () => {
  const v = validator({
    quality: [{ type: 'sql', query: 'select 1', mustBe: 1 }, { type: 'custom', engine: 'soda', implementation: 'x' }, { type: 'text', description: 'fine data' }],
    properties: [{ name: 'id', quality: [{ metric: 'nullValues', mustBe: 0 }] }],
  });
  const results = run(v, records);
  assert.deepEqual(results.map((r) => r.kind), ['skipped', 'skipped', 'skipped', 'evaluated']);
  assert.ok(results.every((r) => r.kind !== 'skipped' || r.reason.length > 0));
  assert.deepEqual(v.warnings, []);
});

test('malformed library rules are skipped and warned about', () => {
  const v = validator({
    quality: [{ metric: 'rowCount' }, { metric: 'sparkles', mustBe: 0 }, { metric: 'nullValues', mustBe: 0 }, { metric: 'duplicateValues', mustBe: 0 }],
    properties: [{ name: 'id', quality: [{ metric: 'invalidValues', mustBe: 0 }, { metric: 'nullValues', mustBe: 'zero' }, { metric: 'nullValues', mustBe: 0, unit: 'bytes' }] }],
  });
  const results = run(v, records);
  assert.equal(results.length, 7);
  assert.ok(results.every((r) => r.kind === 'skipped'));
  assert.equal(v.warnings.length, 7);
  assert.ok(v.warnings.every((w) => w.code === 'CONTRACT_RECORD_QUALITY_INVALID' && w.severity === 'warning'));
});

test('rules on nested object properties read the nested value; rules inside array items are skipped', () => {
  const v = validator({
    properties: [
      { name: 'customer', logicalType: 'object', properties: [{ name: 'email', quality: [{ metric: 'nullValues', mustBe: 0 }] }] },
      { name: 'lines', logicalType: 'array', items: { logicalType: 'object', properties: [{ name: 'sku', quality: [{ metric: 'nullValues', mustBe: 0 }] }] } },
    ],
  });
  const [email, sku] = run(v, [{ customer: { email: 'a@b' } }, { customer: {} }, {}]);
  assert.equal(email!.rule, 'orders.customer.email.nullValues');
  assert.deepEqual(evaluated(email), { passed: false, observed: 2, expected: 'mustBe 0' });
  assert.equal(sku!.kind, 'skipped');
});

test('named rules keep their name and repeated metrics get distinct names', () => {
  const v = validator({ quality: [{ name: 'enough_rows', metric: 'rowCount', mustBeGreaterThan: 0 }, { metric: 'rowCount', mustBeLessThan: 10 }, { metric: 'rowCount', mustBeLessThan: 20 }] });
  assert.deepEqual(run(v, []).map((r) => r.rule), ['enough_rows', 'orders.rowCount', 'orders.rowCount#2']);
});

test('each quality() call starts a fresh accumulator', () => {
  const v = validator({ quality: [{ metric: 'rowCount', mustBe: 1 }] });
  const a = v.quality();
  a.observe({});
  a.observe({});
  const b = v.quality();
  b.observe({});
  assert.equal(evaluated(a.results()[0]).passed, false);
  assert.equal(evaluated(b.results()[0]).passed, true);
});

test('operators parse numeric strings and reject a missing or doubled operator', () => {
  const op = readOperator({ mustBe: '3' });
  assert.ok(!('error' in op) && holds(op, 3));
  assert.ok('error' in readOperator({}));
  assert.ok('error' in readOperator({ mustBe: 1, mustNotBe: 2 }));
  assert.ok('error' in readOperator({ mustBeBetween: [1] }));
});
