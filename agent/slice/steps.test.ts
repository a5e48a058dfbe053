import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { castStep } from './steps/cast.ts';
import { celToJson } from './steps/cel.ts';
import { dedupeStep } from './steps/dedupe.ts';
import { filterStep } from './steps/filter.ts';
import { mapStep } from './steps/map.ts';
import { maskedFields, maskStep, maskValue } from './steps/mask.ts';
import { renameStep } from './steps/rename.ts';
import { routeStep } from './steps/route.ts';
import { validateStep } from './steps/validate.ts';
import { contractDoc } from './test-support.ts';
import type { StepOutput } from './types.ts';

const CONTRACT = contractDoc([
  { name: 'id', logicalType: 'string', required: true, logicalTypeOptions: { pattern: '^T[0-9]+$' }, classification: 'internal' },
  { name: 'email', logicalType: 'string', logicalTypeOptions: { format: 'email', maxLength: 30 }, classification: 'restricted' },
  { name: 'amount', logicalType: 'number', required: true, logicalTypeOptions: { minimum: 0, maximum: 100 }, classification: 'public' },
  { name: 'code', logicalType: 'string', logicalTypeOptions: { minLength: 2 } },
  { name: 'note', logicalType: 'string', classification: 'confidential' },
]).document;

async function run(step: { process(r: Array<Record<string, unknown>>): StepOutput | Promise<StepOutput> }, records: Array<Record<string, unknown>>): Promise<StepOutput> {
  return step.process(records);
}

describe('validate', () => {
  it('rejects with "<field>: <rule>" for each kind of broken rule and passes valid records', async () => {
    const v = validateStep('check', 'things', CONTRACT);
    const out = await run(v, [
      { id: 'T1', amount: 5 },
      { amount: 5 },
      { id: null, amount: 5 },
      { id: 'T2', amount: '5' },
      { id: 'x', amount: 5 },
      { id: 'T3', amount: 500 },
      { id: 'T4', amount: -1 },
      { id: 'T5', amount: 1, email: 'nope' },
      { id: 'T6', amount: 1, code: 'a' },
      { id: 'T7', amount: 1, email: null, extra: 'kept' },
    ]);
    assert.deepEqual(out.out, [{ id: 'T1', amount: 5 }, { id: 'T7', amount: 1, email: null, extra: 'kept' }]);
    assert.deepEqual(
      out.rejects.map((r) => r.reason),
      ['id: required', 'id: required', 'amount: type', 'id: pattern', 'amount: maximum', 'amount: minimum', 'email: format', 'code: minLength'],
    );
    assert.ok(out.rejects.every((r) => r.step === 'check'));
  });

  it('reports the field that comes first in the contract when several rules break', async () => {
    const out = await run(validateStep('check', 'things', CONTRACT), [{ amount: 'x', id: 'bad' }]);
    assert.equal(out.rejects[0]?.reason, 'id: pattern');
  });

  it('reports temporal fields as format or minimum/maximum and nested fields with a dotted path', async () => {
    const doc = contractDoc([
      { name: 'at', logicalType: 'timestamp', logicalTypeOptions: { minimum: '2024-01-01T00:00:00Z' } },
      { name: 'customer', logicalType: 'object', properties: [{ name: 'zip', logicalType: 'string', required: true, logicalTypeOptions: { maxLength: 5 } }] },
    ]).document;
    const out = await run(validateStep('v', 'c', doc), [{ at: 'yesterday' }, { at: '2023-05-01T00:00:00Z' }, { customer: { zip: '123456' } }, { customer: {} }]);
    assert.deepEqual(out.rejects.map((r) => r.reason), ['at: format', 'at: minimum', 'customer.zip: maxLength', 'customer.zip: required']);
  });

  it('feeds every record it sees to the contract quality accumulator', async () => {
    const v = validateStep('check', 'things', CONTRACT);
    await run(v, [{ id: 'T1', amount: 5 }, { amount: 1 }]);
    const q = v.quality!();
    assert.equal(q.rows, 2);
    assert.equal(q.dataset, 'things');
  });
});

describe('mask', () => {
  it('hashes restricted and confidential fields with the documented sha256 prefix and leaves the rest', async () => {
    assert.deepEqual(maskedFields(CONTRACT), ['email', 'note']);
    const m = maskStep('m', maskedFields(CONTRACT), 'hash', 'k');
    const out = await run(m, [{ id: 'T1', email: 'anna.schmidt@example.com', note: null, other: 'Anna Schmidt' }]);
    assert.deepEqual(out.out, [{ id: 'T1', email: 'sha256:97f63aac346999c8', note: null, other: 'Anna Schmidt' }]);
  });

  it('matches the check values of examples-repo/README.md, non-strings hashed as JSON text', () => {
    assert.equal(maskValue('Anna Schmidt', 'hash', ''), 'sha256:a21e4283ee16183c');
    assert.equal(maskValue('Léa Martin', 'hash', ''), 'sha256:d15868719163ad8c');
    assert.equal(maskValue('0005', 'hash', ''), 'sha256:1ed8eb363bcd64c5');
    assert.equal(maskValue(5, 'hash', ''), maskValue('5', 'hash', ''));
  });

  it('tokenizes deterministically per key and redacts to a fixed marker', () => {
    assert.equal(maskValue('a@b.c', 'tokenize', 'k1'), maskValue('a@b.c', 'tokenize', 'k1'));
    assert.notEqual(maskValue('a@b.c', 'tokenize', 'k1'), maskValue('a@b.c', 'tokenize', 'k2'));
    assert.match(maskValue('a@b.c', 'tokenize', 'k1'), /^tok:[0-9a-f]{16}$/);
    assert.equal(maskValue('a@b.c', 'redact', 'k1'), '[REDACTED]');
  });
});

describe('filter, map and route (CEL)', () => {
  it('filter keeps matching records and rejects the ones the expression cannot evaluate', async () => {
    const out = await run(filterStep('f', 'record.amount >= 10.0'), [{ amount: 5 }, { amount: 10 }, { other: 1 }]);
    assert.deepEqual(out.out, [{ amount: 10 }]);
    assert.equal(out.rejects.length, 1);
    assert.match(out.rejects[0]!.reason, /No such key: amount/);
  });

  it('map sets fields from expressions over the input record and converts CEL values to JSON', async () => {
    const out = await run(mapStep('m', { double: 'record.n * 2.0', label: "'n=' + string(int(record.n))", size: 'size(record.tags)' }), [{ n: 3, tags: ['a', 'b'] }]);
    assert.deepEqual(out.out, [{ n: 3, tags: ['a', 'b'], double: 6, label: 'n=3', size: 2 }]);
    assert.equal(celToJson(2n ** 60n), '1152921504606846976');
  });

  it('route sends matching records to its sink only and lets the rest continue', async () => {
    const out = await run(routeStep('r', 'record.amount < 0.0', 'refunds'), [{ amount: -1 }, { amount: 2 }]);
    assert.deepEqual(out.out, [{ amount: 2 }]);
    assert.deepEqual(out.routed?.get('refunds'), [{ amount: -1 }]);
  });
});

describe('dedupe, rename, cast', () => {
  it('dedupe keeps the first record per key, with composite keys', async () => {
    const d = dedupeStep('d', ['a', 'b']);
    const first = await run(d, [{ a: 1, b: 1, n: 1 }, { a: 1, b: 2, n: 2 }]);
    const second = await run(d, [{ a: 1, b: 1, n: 3 }, { a: 2, b: 1, n: 4 }]);
    assert.deepEqual([...first.out, ...second.out].map((r) => r['n']), [1, 2, 4]);
    assert.deepEqual(second.rejects, []);
  });

  it('rename renames all at once, keeps field order and can swap fields', async () => {
    const out = await run(renameStep('r', { a: 'x', b: 'a', c: 'b' }), [{ a: 1, b: 2, c: 3, d: 4 }]);
    assert.deepEqual(Object.entries(out.out[0]!), [['x', 1], ['a', 2], ['b', 3], ['d', 4]]);
  });

  it('cast converts int, double, bool, timestamp and string, and rejects what does not convert', async () => {
    const c = castStep('c', { i: 'int', d: 'double', b: 'bool', t: 'timestamp', s: 'string', n: 'integer' });
    const out = await run(c, [
      { i: '420', d: '1.5', b: 'TRUE', t: '2024-05-02T01:15:00+02:00', s: 12, n: null },
      { i: '4.5' },
      { b: 'yes' },
    ]);
    assert.deepEqual(out.out, [{ i: 420, d: 1.5, b: true, t: '2024-05-01T23:15:00.000Z', s: '12', n: null }]);
    assert.deepEqual(out.rejects.map((r) => r.reason), ['i: cannot cast "4.5" to int', 'b: cannot cast "yes" to bool']);
  });
});
