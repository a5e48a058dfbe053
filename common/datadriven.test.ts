import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommand, parseDataFile, rewriteDataFile } from './datadriven.ts';

const FILE = `# comment
cmd a b=1 c=(1,2,3)
----
out 1
out 2

# second

other
input line
----

last
----
x
`;

test('a datadriven file parses into commands, arguments, inputs and expected outputs', () => {
  const f = parseDataFile(FILE);
  assert.equal(f.cases.length, 3);
  const [a, b, c] = f.cases;
  assert.equal(a?.command, 'cmd');
  assert.deepEqual(a?.args, [
    { key: 'a', values: [] },
    { key: 'b', values: ['1'] },
    { key: 'c', values: ['1', '2', '3'] },
  ]);
  assert.equal(a?.expected, 'out 1\nout 2');
  assert.equal(a?.line, 2);
  assert.deepEqual(b?.input, ['input line']);
  assert.equal(b?.expected, '');
  assert.equal(c?.expected, 'x');
});

test('rewriting with the same outputs reproduces the file exactly', () => {
  const f = parseDataFile(FILE);
  assert.equal(rewriteDataFile(f, f.cases.map((c) => c.expected)), FILE);
});

test('rewriting replaces outputs and keeps comments', () => {
  const f = parseDataFile(FILE);
  const out = rewriteDataFile(f, ['new', 'y', 'z']);
  assert.match(out, /# comment\ncmd a b=1 c=\(1,2,3\)\n----\nnew\n\n# second/);
});

test('a command without a separator is reported with its line', () => {
  assert.throws(() => parseDataFile('cmd\nno separator\n'), /line 1/);
  assert.deepEqual(parseCommand('x  y=()'), { command: 'x', args: [{ key: 'y', values: [] }] });
});
