// The lost-write check on hand-made histories: it accepts a final state the history explains and names the
// acknowledged write a final state contradicts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Operation } from '../linearizability/history.ts';
import { lostWrites } from './final-state.ts';

const write = (id: number, value: string, call: number, ret: number | undefined): Operation => ({
  id, client: 'c1', key: 'k', call, return: ret, kind: 'write', input: { value }, output: ret === undefined ? undefined : { ok: true },
});

test('a final value written last, or concurrently with the last acknowledged write, loses nothing', () => {
  const history = [write(1, 'a', 0, 10), write(2, 'b', 20, 30), write(3, 'c', 25, 40)];
  assert.deepEqual(lostWrites(history, new Map([['k', { found: true, value: 'c' }]])), []);
  assert.deepEqual(lostWrites(history, new Map([['k', { found: true, value: 'b' }]])), [], 'b and c overlap: either may be last');
});

test('a final value that was overwritten by a later acknowledged write is reported as a lost write', () => {
  const history = [write(1, 'a', 0, 10), write(2, 'b', 20, 30)];
  const problems = lostWrites(history, new Map([['k', { found: true, value: 'a' }]]));
  assert.equal(problems.length, 1);
  assert.match(problems[0]!, /op 2 .* is lost/);
});

test('an unknown-outcome write may be the final value, a value nobody wrote may not, nor an unexplained absence', () => {
  const history = [write(1, 'a', 0, 10), write(2, 'b', 20, undefined)];
  assert.deepEqual(lostWrites(history, new Map([['k', { found: true, value: 'b' }]])), []);
  assert.match(lostWrites(history, new Map([['k', { found: true, value: 'zzz' }]]))[0]!, /no client wrote/);
  assert.match(lostWrites(history, new Map([['k', { found: false }]]))[0]!, /absent at the end/);
});
