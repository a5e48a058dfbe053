import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRecordValidator, isCompileFailure, type RecordValidator } from './compile-record-validator.ts';
import { parseYaml } from '../yaml-source.ts';

function compile(props: unknown[], extra: Record<string, unknown> = {}): RecordValidator {
  const v = compileRecordValidator({ schema: [{ name: 'orders', properties: props, ...extra }] });
  if (isCompileFailure(v)) assert.fail(`unexpected problems: ${JSON.stringify(v.problems)}`);
  return v;
}

/** Asserts each record's verdict for a single property `v`. */
function expectVerdicts(prop: Record<string, unknown>, accepted: unknown[], rejected: unknown[]): void {
  const v = compile([{ name: 'v', ...prop }]);
  for (const value of accepted) assert.deepEqual(v.check({ v: value }), { ok: true }, `should accept ${JSON.stringify(value)}`);
  for (const value of rejected) {
    const r = v.check({ v: value });
    assert.equal(r.ok, false, `should reject ${JSON.stringify(value)}`);
  }
}

test('string options minLength, maxLength, pattern and format are enforced', () => {
  expectVerdicts({ logicalType: 'string', logicalTypeOptions: { minLength: 2, maxLength: 4 } }, ['ab', 'abcd', null], ['a', 'abcde', 3]);
  expectVerdicts({ logicalType: 'string', logicalTypeOptions: { pattern: '^ACC[0-9]{3}$' } }, ['ACC123'], ['ACC12', 'acc123']);
  expectVerdicts({ logicalType: 'string', logicalTypeOptions: { format: 'email' } }, ['a@b.example'], ['not-an-email']);
  expectVerdicts({ logicalType: 'string', logicalTypeOptions: { format: 'uuid' } }, ['123e4567-e89b-12d3-a456-426614174000'], ['123']);
});

test('integer and number bounds, exclusive bounds, multipleOf and integer formats are enforced', () => {
  expectVerdicts({ logicalType: 'integer', logicalTypeOptions: { minimum: 18, exclusiveMaximum: 100 } }, [18, 99], [17, 100, 18.5, '20']);
  expectVerdicts({ logicalType: 'number', logicalTypeOptions: { exclusiveMinimum: 0, maximum: 1.5 } }, [0.1, 1.5], [0, 1.6, 'x']);
  expectVerdicts({ logicalType: 'number', logicalTypeOptions: { multipleOf: 5 } }, [10, -5], [7]);
  expectVerdicts({ logicalType: 'integer', logicalTypeOptions: { format: 'u8' } }, [0, 255], [-1, 256]);
  expectVerdicts({ logicalType: 'integer', logicalTypeOptions: { format: 'i32' } }, [-2147483648], [2147483648]);
});

test('booleans accept only true and false', () => {
  expectVerdicts({ logicalType: 'boolean' }, [true, false], ['true', 0]);
});

test('dates, timestamps and times check shape, calendar and bounds', () => {
  expectVerdicts({ logicalType: 'date', logicalTypeOptions: { exclusiveMinimum: '2020-01-01', maximum: '2021-01-01' } }, ['2020-01-02', '2021-01-01'], ['2020-01-01', '2021-01-02', '2020-02-30', '2020/01/05', 20200105]);
  expectVerdicts({ logicalType: 'timestamp' }, ['2024-05-01T10:00:00Z', '2024-05-01 10:00:00', '2024-05-01T10:00:00.123+02:00'], ['2024-05-01', '2024-05-01T25:00:00Z']);
  expectVerdicts(
    { logicalType: 'timestamp', logicalTypeOptions: { format: 'yyyy-MM-dd HH:mm:ssZ', minimum: '2020-01-01 00:00:00+10:00' } },
    ['2020-01-01 00:00:00+10:00', '2019-12-31 14:00:00Z'],
    ['2019-12-31 13:59:59Z', '2020-01-01T00:00:00Z'],
  );
  expectVerdicts({ logicalType: 'time', logicalTypeOptions: { format: 'HH:mm:ss', minimum: '08:00:00', maximum: '17:30:00' } }, ['08:00:00', '17:30:00'], ['07:59:59', '17:30:01', '8:00']);
  expectVerdicts({ logicalType: 'date', logicalTypeOptions: { format: 'dd/MM/yyyy' } }, ['31/12/2024'], ['2024-12-31', '32/01/2024']);
});

test('required means present and not null; optional fields may be absent or null', () => {
  const v = compile([{ name: 'id', logicalType: 'string', required: true }, { name: 'note', logicalType: 'string' }, { name: 'any', required: true }]);
  assert.deepEqual(v.check({ id: 'a', any: 0 }), { ok: true });
  assert.deepEqual(v.check({ id: 'a', note: null, any: false }), { ok: true });
  assert.deepEqual(v.check({ any: 1 }), { ok: false, reason: 'id: is required but missing', field: 'id' });
  assert.deepEqual(v.check({ id: null, any: 1 }), { ok: false, reason: 'id: is required but null', field: 'id' });
  assert.deepEqual(v.check({ id: 'a', any: null }), { ok: false, reason: 'any: is required but null', field: 'any' });
  assert.equal(v.check('not an object').ok, false);
});

test('undeclared keys are allowed', () => {
  assert.deepEqual(compile([{ name: 'id', logicalType: 'string' }]).check({ id: 'x', extra: [1, 2] }), { ok: true });
});

test('nested objects and arrays are validated with dotted field paths in the reason', () => {
  const v = compile([
    {
      name: 'customer',
      logicalType: 'object',
      required: true,
      logicalTypeOptions: { required: ['zip'] },
      properties: [
        { name: 'name', logicalType: 'string', required: true },
        { name: 'zip', logicalType: 'string', logicalTypeOptions: { maxLength: 5 } },
      ],
    },
    {
      name: 'lines',
      logicalType: 'array',
      logicalTypeOptions: { minItems: 1, maxItems: 3, uniqueItems: true },
      items: { logicalType: 'object', properties: [{ name: 'sku', logicalType: 'string', required: true }, { name: 'qty', logicalType: 'integer', logicalTypeOptions: { minimum: 1 } }] },
    },
  ]);
  assert.deepEqual(v.check({ customer: { name: 'Ann', zip: '12345' }, lines: [{ sku: 'a', qty: 1 }] }), { ok: true });
  assert.deepEqual(v.check({ customer: { name: 'Ann' } }), { ok: false, reason: 'customer.zip: is required but missing', field: 'customer.zip' });
  const bad = v.check({ customer: { name: 'Ann', zip: '123456' }, lines: [{ sku: 'a', qty: 0 }] });
  assert.equal(bad.ok, false);
  assert.equal(bad.ok === false && bad.field, 'customer.zip');
  assert.match(bad.ok === false ? bad.reason : '', /customer\.zip: must NOT have more than 5 characters.*lines\[0\]\.qty: must be >= 1 \(got 0\)/);
  assert.equal(v.check({ customer: { name: 'A', zip: '1' }, lines: [] }).ok, false);
  assert.equal(v.check({ customer: { name: 'A', zip: '1' }, lines: [{ sku: 'a' }, { sku: 'a' }] }).ok, false);
});

test('array items of a primitive type are checked', () => {
  expectVerdicts({ logicalType: 'array', items: { logicalType: 'integer' } }, [[1, 2], [], null], [[1, 'x'], 'x']);
});

test('a type mismatch names the expected and actual type', () => {
  const r = compile([{ name: 'amount', logicalType: 'number' }]).check({ amount: '12' });
  assert.deepEqual(r, { ok: false, reason: 'amount: must be a number (got string "12")', field: 'amount' });
});

test('the dataset argument picks a schema object by name or id, defaulting to the first', () => {
  const doc = { schema: [{ name: 'a', properties: [{ name: 'x', logicalType: 'integer' }] }, { id: 'b_id', name: 'b', properties: [{ name: 'x', logicalType: 'string' }] }] };
  const first = compileRecordValidator(doc);
  const byName = compileRecordValidator(doc, 'b');
  const byId = compileRecordValidator(doc, 'b_id');
  assert.ok(!isCompileFailure(first) && !isCompileFailure(byName) && !isCompileFailure(byId));
  assert.equal(first.dataset, 'a');
  assert.equal(first.check({ x: 1 }).ok, true);
  assert.equal(byName.check({ x: 1 }).ok, false);
  assert.equal(byId.dataset, 'b');
});

test('an unknown dataset is a problem with a suggestion and a position', () => {
  const src = parseYaml('c.odcs.yaml', 'schema:\n  - name: orders\n    properties: []\n');
  const r = compileRecordValidator(src.value as Record<string, unknown>, 'order', { file: 'c.odcs.yaml', locate: (p) => src.locate(p) });
  assert.ok(isCompileFailure(r));
  assert.equal(r.problems[0]!.code, 'CONTRACT_RECORD_UNKNOWN_DATASET');
  assert.equal(r.problems[0]!.hint, 'did you mean `orders`?');
  assert.deepEqual([r.problems[0]!.file, r.problems[0]!.line], ['c.odcs.yaml', 1]);
});

test('a contract without schema objects cannot validate records', () => {
  const r = compileRecordValidator({ kind: 'DataContract' });
  assert.ok(isCompileFailure(r));
  assert.deepEqual(r.problems.map((p) => p.code), ['CONTRACT_RECORD_NO_SCHEMA']);
});

test('every invalid property is reported, with its line, instead of throwing', () => {
  const yaml = [
    'schema:',
    '  - name: t',
    '    properties:',
    '      - name: a',
    '        logicalType: strng',
    '      - name: b',
    '        logicalType: string',
    '        logicalTypeOptions: { pattern: "([a-z", minLength: -1 }',
    '      - logicalType: string',
    '      - name: c',
    '        logicalType: date',
    '        logicalTypeOptions: { minimum: "yesterday" }',
  ].join('\n');
  const src = parseYaml('t.yaml', yaml);
  assert.deepEqual(src.problems, []);
  const r = compileRecordValidator(src.value as Record<string, unknown>, undefined, { file: 't.yaml', locate: (p) => src.locate(p) });
  assert.ok(isCompileFailure(r));
  const got = r.problems.map((p) => `${p.line} ${p.code}`).sort();
  assert.deepEqual(got, ['12 CONTRACT_RECORD_BAD_OPTION', '5 CONTRACT_RECORD_UNKNOWN_LOGICAL_TYPE', '8 CONTRACT_RECORD_BAD_OPTION', '8 CONTRACT_RECORD_BAD_PATTERN', '9 CONTRACT_RECORD_UNNAMED_PROPERTY']);
  assert.equal(r.problems.find((p) => p.code === 'CONTRACT_RECORD_UNKNOWN_LOGICAL_TYPE')?.hint, 'did you mean `string`?');
});

test('options that do not apply and unknown formats are warnings, and are not enforced', () => {
  const v = compile([
    { name: 'a', logicalType: 'string', logicalTypeOptions: { minimum: 3, format: 'emial' } },
    { name: 'b', logicalType: 'date', logicalTypeOptions: { format: 'EEE, d MMM yyyy' } },
  ]);
  assert.deepEqual(v.warnings.map((w) => w.code).sort(), ['CONTRACT_RECORD_OPTION_IGNORED', 'CONTRACT_RECORD_UNKNOWN_FORMAT', 'CONTRACT_RECORD_UNSUPPORTED_DATE_FORMAT']);
  assert.ok(v.warnings.every((w) => w.severity === 'warning'));
  assert.equal(v.warnings.find((w) => w.code === 'CONTRACT_RECORD_UNKNOWN_FORMAT')?.hint, 'did you mean `email`?');
  assert.deepEqual(v.check({ a: 'x', b: '2024-01-31' }), { ok: true });
});

test('an enum option restricts values and still allows null for optional fields', () => {
  expectVerdicts({ logicalType: 'string', logicalTypeOptions: { enum: ['new', 'paid'] } }, ['new', null], ['old']);
});
