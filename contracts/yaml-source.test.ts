import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseYaml } from './yaml-source.ts';

test('a path through maps and sequences locates the line and column of its key', () => {
  const src = parseYaml('a.yaml', 'kind: Herd\nspec:\n  roles:\n    - name: admin\n      members: [x]\n');
  assert.deepEqual(src.problems, []);
  assert.deepEqual(src.locate(['spec', 'roles', 0, 'members']), { line: 5, col: 7 });
  assert.deepEqual(src.locate(['spec', 'missing']), { line: 2, col: 1 });
});

test('malformed YAML is reported with its line instead of thrown', () => {
  const src = parseYaml('bad.yaml', 'a: 1\nb: [1, 2\nc: 3\n');
  assert.equal(src.value, undefined);
  assert.ok(src.problems.length > 0);
  assert.equal(src.problems[0]!.code, 'YAML_SYNTAX');
  assert.equal(src.problems[0]!.file, 'bad.yaml');
  assert.ok((src.problems[0]!.line ?? 0) >= 2);
});

test('an alias bomb fails fast with YAML_ALIAS_LIMIT', () => {
  const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 12; i++) {
    const prev = String.fromCharCode(97 + i - 1);
    const cur = String.fromCharCode(97 + i);
    lines.push(`${cur}: &${cur} [${Array(10).fill(`*${prev}`).join(',')}]`);
  }
  const started = performance.now();
  const src = parseYaml('bomb.yaml', lines.join('\n'));
  assert.ok(performance.now() - started < 2000);
  assert.equal(src.value, undefined);
  assert.deepEqual(src.problems.map((p) => p.code), ['YAML_ALIAS_LIMIT']);
});

test('duplicate keys and several documents are errors', () => {
  const src = parseYaml('d.yaml', 'a: 1\na: 2\n---\nb: 1\n');
  const codes = src.problems.map((p) => p.code).sort();
  assert.ok(codes.includes('YAML_SYNTAX'));
  assert.ok(codes.includes('YAML_MULTIPLE_DOCUMENTS'));
});
