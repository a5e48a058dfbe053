import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ErrorObject } from 'ajv';
import { collapse, describeValue, readablePath, segments } from './explain-errors.ts';

function error(keyword: string, schemaPath: string, instancePath: string, parentSchema: object = {}): ErrorObject {
  return { keyword, schemaPath, instancePath, params: {}, parentSchema } as ErrorObject;
}

test('instance paths read as dotted paths with list indices', () => {
  assert.deepEqual(segments('/schema/0/properties/12/a~1b'), ['schema', '0', 'properties', '12', 'a/b']);
  assert.equal(readablePath(segments('/schema/0/properties/12/logicalType')), 'schema[0].properties[12].logicalType');
  assert.equal(readablePath([]), 'the contract');
});

test('values are described briefly and long text is cut', () => {
  assert.equal(describeValue('x'.repeat(50)), `\`${'x'.repeat(40)}…\``);
  assert.equal(describeValue([1]), 'a list');
  assert.equal(describeValue(null), 'null');
});

test('an annotated anyOf replaces its branch errors', () => {
  const group = error('anyOf', '#/anyOf', '/to', { 'x-message': 'm' });
  const kept = collapse([group, error('pattern', '#/anyOf/0/pattern', '/to'), error('pattern', '#/anyOf/1/pattern', '/to')]);
  assert.deepEqual(kept, [group]);
});

test('an unannotated oneOf keeps only the branch that got deepest into the data', () => {
  const deep = error('required', '#/oneOf/1/properties/a/required', '/x/a');
  const kept = collapse([error('oneOf', '#/oneOf', '/x'), error('type', '#/oneOf/0/type', '/x'), deep]);
  assert.deepEqual(kept, [deep]);
});
