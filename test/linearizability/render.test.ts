import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLinearizable } from './check.ts';
import type { Violation } from './check.ts';
import { casRegisterModel } from './models.ts';
import type { Operation } from './history.ts';
import { history, read, write } from './history-builders.ts';
import { renderViolation } from './render.ts';

function violationOf(ops: Operation[]): Violation {
  const result = checkLinearizable(ops, casRegisterModel);
  assert.equal(result.ok, false);
  return result as Violation;
}

const STALE = history(write('alice', 1, 0, 10), write('alice', 2, 11, 20), read('bob', 1, 12, 14), read('bob', 1, 21, 30));

test('a rendered violation names the model, the key, the valid order, the state and marks the impossible op', () => {
  const text = renderViolation(violationOf(STALE));
  const lines = text.split('\n');
  assert.equal(lines[0], 'linearizability violation (model cas-register):');
  assert.match(lines[1] ?? '', /^key "x" is not linearizable: /);
  assert.ok(text.includes('state after it: 2'));
  assert.ok(text.includes('  1. op 1 [0, 10] client alice: write 1'));
  const window = lines.slice(lines.findIndex((l) => l.startsWith('around the failure point')) + 1);
  assert.match(window.at(-1) ?? '', /^ {2}✗ +op 4 \[21, 30\] client bob: read → 1 +\| +█+\|$/);
  assert.match(window[0] ?? '', /^ {2}#1 +op 1 \[0, 10\] client alice: write 1/);
});

test('the window lists operations in call order with one timeline per line', () => {
  const text = renderViolation(violationOf(STALE), { width: 20 });
  const window = text.split('\n').filter((l) => l.includes('|'));
  const ids = window.map((l) => Number(/op (\d+)/.exec(l)?.[1]));
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
  for (const line of window) assert.equal(line.slice(line.indexOf('|')).length, 22);
});

test('unknown-outcome operations run off the right edge of the timeline', () => {
  const ops = history(write('a', 9, 0), write('b', 1, 1, 10), read('c', 5, 11, 20));
  const text = renderViolation(violationOf(ops));
  assert.match(text, /op 1 \[0, \?\) client a: write 9 \(outcome unknown\) +\|░+\|/);
});

test('only the last `context` operations of the valid order are listed', () => {
  const ops = history(write('a', 1, 0, 1), write('a', 2, 2, 3), write('a', 3, 4, 5), read('b', 1, 6, 7));
  const text = renderViolation(violationOf(ops), { context: 1 });
  assert.ok(text.includes('longest valid order (3 of 4 ops), last 1:\n  3. op 3 [4, 5] client a: write 3'));
  assert.ok(!text.includes('  2. op 2'));
});
