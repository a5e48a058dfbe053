import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffContracts } from './diff-contracts.ts';
import { parseMajor, majorNotBumped, nextMajor } from './version.ts';
import { isPhysicalWidening, samePhysicalType } from './type-widening.ts';
import { missingMajorBumpProblem } from './format-contract-diff.ts';

const contract = (version: unknown, props: unknown[]): Record<string, unknown> => ({ version, schema: [{ name: 'orders', properties: props }] });

test('without locators changes carry no line or column', () => {
  const diff = diffContracts(contract('1.0.0', [{ name: 'a' }]), contract('2.0.0', []));
  assert.equal(diff.changes.length, 1);
  assert.equal(diff.changes[0]!.line, undefined);
  assert.equal(diff.changes[0]!.code, 'FIELD_REMOVED');
  assert.equal(diff.changes[0]!.path, 'schema.orders.properties.a');
  assert.equal(diff.verdict, 'breaking');
  assert.equal(diff.missingMajorBump, false);
});

test('locators receive raw document paths: the old file for removals, the new file otherwise', () => {
  const seen: string[] = [];
  diffContracts(contract('1', [{ name: 'a' }, { name: 'b', logicalType: 'string' }]), contract('1', [{ name: 'b', logicalType: 'integer' }]), {
    locateBefore: (p) => (seen.push(`before:${p.join('/')}`), { line: 1, col: 1 }),
    locateAfter: (p) => (seen.push(`after:${p.join('/')}`), { line: 2, col: 3 }),
  });
  assert.deepEqual(seen.sort(), ['after:schema/0/properties/0/logicalType', 'before:schema/0/properties/0']);
});

test('numeric YAML versions are read as text and a breaking change without a major bump is flagged', () => {
  const diff = diffContracts(contract(1.1, [{ name: 'a' }]), contract(1.2, []));
  assert.equal(diff.versionBefore, '1.1');
  assert.equal(diff.versionAfter, '1.2');
  assert.equal(diff.missingMajorBump, true);
  const p = missingMajorBumpProblem(diff, 'contracts/orders.odcs.yaml', { line: 3, col: 1 });
  assert.equal(p?.code, 'CONTRACT_BREAKING_WITHOUT_MAJOR');
  assert.equal(p?.file, 'contracts/orders.odcs.yaml');
  assert.match(p?.hint ?? '', /2\.0\.0/);
});

test('non-breaking changes never demand a major bump', () => {
  const diff = diffContracts(contract('1.0.0', []), contract('1.0.0', [{ name: 'x' }]));
  assert.equal(diff.verdict, 'non-breaking');
  assert.equal(diff.missingMajorBump, false);
  assert.equal(missingMajorBumpProblem(diff), undefined);
});

test('malformed shapes read as absent instead of crashing', () => {
  const weird = { version: {}, schema: 'nope' } as Record<string, unknown>;
  const other = { schema: [null, 3, { name: 'o', properties: 'x', quality: 5 }, { properties: [{ logicalTypeOptions: 7 }] }] } as Record<string, unknown>;
  const diff = diffContracts(weird, other);
  assert.deepEqual(diff.changes.map((c) => c.code), ['OBJECT_ADDED', 'OBJECT_ADDED']);
  assert.deepEqual(diff.changes.map((c) => c.path), ['schema.#3', 'schema.o']);
  assert.equal(diff.versionBefore, '');
});

test('changes come out sorted by path then code regardless of document order', () => {
  const before = contract('1', [{ name: 'z', required: false }, { name: 'a', unique: false }]);
  const after = contract('1', [{ name: 'a', unique: true }, { name: 'z', required: true }]);
  const paths = diffContracts(before, after).changes.map((c) => c.path);
  assert.deepEqual(paths, ['schema.orders.properties.a.unique', 'schema.orders.properties.z.required']);
});

test('duplicate quality rules of one metric are matched by position of occurrence', () => {
  const q = (n: number): unknown[] => [{ metric: 'nullValues', mustBe: 0 }, { metric: 'nullValues', mustBeLessThan: n }];
  const diff = diffContracts(contract('1', [{ name: 'a', quality: q(5) }]), contract('1', [{ name: 'a', quality: q(3) }]));
  assert.deepEqual(diff.changes.map((c) => [c.code, c.path]), [['QUALITY_RULE_CHANGED', 'schema.orders.properties.a.quality.nullValues#2']]);
});

test('semantic versions parse to their major number', () => {
  assert.equal(parseMajor('1.2.0'), 1);
  assert.equal(parseMajor('v2'), 2);
  assert.equal(parseMajor('3.0.0-rc.1'), 3);
  assert.equal(parseMajor(4), 4);
  assert.equal(parseMajor('latest'), undefined);
  assert.equal(parseMajor(undefined), undefined);
  assert.equal(majorNotBumped('1.9.9', '2.0.0'), false);
  assert.equal(majorNotBumped('2.0.0', '2.5.0'), true);
  assert.equal(majorNotBumped('x', '2.0.0'), true);
  assert.equal(nextMajor('v7'), '8.0.0');
});

test('physical type widening covers integers, floats, strings and decimals only', () => {
  assert.equal(isPhysicalWidening('smallint', 'INTEGER'), true);
  assert.equal(isPhysicalWidening('bigint', 'int'), false);
  assert.equal(isPhysicalWidening('varchar(10)', 'character varying(12)'), true);
  assert.equal(isPhysicalWidening('text', 'varchar(100)'), false);
  assert.equal(isPhysicalWidening('decimal(10,2)', 'decimal(10,3)'), false);
  assert.equal(isPhysicalWidening('decimal(10,2)', 'decimal(11,3)'), true);
  assert.equal(isPhysicalWidening('date', 'timestamp'), false);
  assert.equal(samePhysicalType('INT4', 'integer'), true);
  assert.equal(samePhysicalType('varchar', 'varchar(10)'), false);
});
