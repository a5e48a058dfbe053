import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatProblem, type Problem } from '../../common/problem.ts';
import { datasetsOf, propertiesOf, teamMembersOf } from './types.ts';
import { validateContract } from './validate-contract.ts';

const testdata = join(import.meta.dirname, 'testdata');

function fixture(name: string): { document?: unknown; problems: Problem[] } {
  return validateContract(name, readFileSync(join(testdata, name), 'utf8'));
}

function only(problems: readonly Problem[], code: string): Problem[] {
  return problems.filter((p) => p.code === code);
}

test('every testdata contract produces exactly its golden problem list', () => {
  for (const name of readdirSync(testdata).filter((n) => n.endsWith('.odcs.yaml')).sort()) {
    const result = fixture(name);
    const actual = `${result.document === undefined ? 'rejected' : 'accepted'}\n${result.problems.map(formatProblem).join('\n')}\n`;
    const goldenFile = join(testdata, name.replace(/\.odcs\.yaml$/, '.problems.txt'));
    if (process.env['RUNINK_REWRITE'] === '1') writeFileSync(goldenFile, actual);
    assert.ok(existsSync(goldenFile), `${goldenFile} is missing (RUNINK_REWRITE=1 writes it)`);
    assert.equal(actual, readFileSync(goldenFile, 'utf8'), `golden mismatch for ${name} (RUNINK_REWRITE=1 rewrites)`);
  }
});

test('a minimal v3.1.0 contract is accepted with its datasets and properties readable', () => {
  const r = fixture('valid-minimal.odcs.yaml');
  assert.deepEqual(r.problems, []);
  assert.ok(r.document);
  const doc = r.document as Parameters<typeof datasetsOf>[0];
  assert.deepEqual(datasetsOf(doc), ['orders', 'customers']);
  assert.deepEqual(propertiesOf(doc.schema![0]!).map((p) => p.name), ['order_id', 'customer_id', 'amount']);
});

test('a v3.0.2 contract using v3.0 features (rule, validValues, boolean bounds, team list) is accepted', () => {
  const r = fixture('valid-v30-legacy.odcs.yaml');
  assert.deepEqual(r.problems.map(formatProblem), []);
  assert.deepEqual(teamMembersOf(r.document as Parameters<typeof teamMembersOf>[0]).map((m) => m.username), ['alice']);
});

test('the same v3.0 library rule without a metric is rejected in a v3.1.0 contract', () => {
  const [p] = fixture('v31-legacy-rule.odcs.yaml').problems;
  assert.equal(p?.code, 'ODCS_REQUIRED');
  assert.match(p!.message, /`metric`/);
  assert.deepEqual([p?.line, p?.col], [10, 9]);
});

test('a misspelt key is reported at its own line and column with a did-you-mean', () => {
  const problems = only(fixture('unknown-key-typo.odcs.yaml').problems, 'ODCS_UNKNOWN_PROPERTY');
  assert.deepEqual(problems.map((p) => [p.line, p.col, p.hint]), [
    [10, 9, 'did you mean `logicalType`?'],
    [11, 9, 'did you mean `required`?'],
  ]);
  assert.equal(problems[0]!.message, 'unknown property `logicalTyp` in schema[0].properties[0]');
});

test('an unsupported apiVersion lists the supported ones and a wrong kind is its own problem', () => {
  const r = fixture('bad-api-version.odcs.yaml');
  assert.equal(r.document, undefined);
  const [api, kind] = r.problems;
  assert.equal(api?.code, 'ODCS_API_VERSION');
  assert.equal(api?.message, '`apiVersion` must be one of v3.0.0, v3.0.1, v3.0.2, v3.1.0, found `v3.1`');
  assert.deepEqual([api?.line, api?.col], [1, 1]);
  assert.equal(kind?.code, 'ODCS_KIND');
  assert.equal(kind?.hint, 'did you mean `DataContract`?');
});

test('duplicate object names, object ids and property names are each reported at the second use', () => {
  const problems = fixture('duplicate-names.odcs.yaml').problems;
  assert.deepEqual(problems.map((p) => [p.code, p.line]), [
    ['ODCS_DUPLICATE_NAME', 12],
    ['ODCS_DUPLICATE_ID', 14],
    ['ODCS_DUPLICATE_NAME', 15],
  ]);
});

test('primary key positions must be unique and only on primary keys', () => {
  const problems = only(fixture('primary-key-positions.odcs.yaml').problems, 'ODCS_PRIMARY_KEY_POSITION');
  assert.deepEqual(problems.map((p) => [p.line, p.col]), [[14, 9], [19, 9]]);
  assert.match(problems[0]!.message, /used twice/);
  assert.match(problems[1]!.message, /not marked `primaryKey: true`/);
});

test('relationships to missing properties are errors, to objects outside the contract warnings', () => {
  const problems = fixture('unresolved-relationship.odcs.yaml').problems;
  assert.deepEqual(problems.map((p) => [p.code, p.severity, p.line]), [
    ['ODCS_UNRESOLVED_RELATIONSHIP', 'error', 10],
    ['ODCS_RELATIONSHIP_ARITY', 'error', 13],
    ['ODCS_UNRESOLVED_RELATIONSHIP', 'error', 18],
    ['ODCS_UNRESOLVED_RELATIONSHIP', 'warning', 19],
    ['ODCS_UNRESOLVED_RELATIONSHIP', 'error', 20],
  ]);
  assert.equal(problems[0]!.hint, 'did you mean `customer_id`?');
});

test('a contract whose only findings are warnings is accepted', () => {
  const text = readFileSync(join(testdata, 'valid-minimal.odcs.yaml'), 'utf8').replace('customers.id', 'warehouses.id');
  const r = validateContract('c.odcs.yaml', text);
  assert.ok(r.document);
  assert.deepEqual(r.problems.map((p) => [p.code, p.severity]), [['ODCS_UNRESOLVED_RELATIONSHIP', 'warning']]);
});

test('a key from a later ODCS draft is rejected as unknown, with a hint naming the draft', () => {
  const text = 'apiVersion: v3.1.0\nkind: DataContract\nid: x\nversion: 1.0.0\nstatus: active\nschema:\n  - name: t\n    properties:\n      - name: s\n        enum: [{ value: a }]\n';
  const [p] = validateContract('x.odcs.yaml', text).problems;
  assert.equal(p?.code, 'ODCS_UNKNOWN_PROPERTY');
  assert.deepEqual([p?.line, p?.col], [10, 9]);
  assert.match(p!.hint!, /later ODCS draft/);
});

test('an alternative that fails is reported once, not as a cascade of branches', () => {
  const text = 'apiVersion: v3.1.0\nkind: DataContract\nid: x\nversion: 1.0.0\nstatus: active\nschema:\n  - name: t\n    properties:\n      - name: a\n    relationships:\n      - from: t.a\n        to: 42\n';
  const problems = validateContract('x.odcs.yaml', text).problems;
  assert.deepEqual(problems.map((p) => [p.code, p.line]), [['ODCS_REFERENCE', 12]]);
});

test('hostile or empty input becomes problems, never an exception', () => {
  const bomb = 'a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d]\n';
  for (const text of ['', '- a\n- b\n', '42\n', 'null\n', 'a: [\n', bomb]) {
    const r = validateContract('h.odcs.yaml', text);
    assert.equal(r.document, undefined, JSON.stringify(text));
    assert.ok(r.problems.length > 0, JSON.stringify(text));
    assert.ok(r.problems.every((p) => p.file === 'h.odcs.yaml' && p.line !== undefined));
  }
});
