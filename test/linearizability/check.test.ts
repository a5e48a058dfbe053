// Hand-written histories with a known verdict: each case is small enough to decide by eye.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLinearizable, stepBudget } from './check.ts';
import type { CheckResult, Violation } from './check.ts';
import { casRegisterModel, registerModel } from './models.ts';
import { MISSING } from './history.ts';
import type { Operation } from './history.ts';
import { cas, del, history, on, read, readAbsent, write } from './history-builders.ts';

function check(ops: Operation[]): CheckResult {
  return checkLinearizable(ops, casRegisterModel);
}

function violation(ops: Operation[]): Violation {
  const result = check(ops);
  assert.equal(result.ok, false, 'expected a violation');
  return result as Violation;
}

test('a read after a completed write that sees the write is linearizable', () => {
  assert.deepEqual(check(history(write('a', 1, 0, 10), read('b', 1, 11, 20))), { ok: true });
});

test('a stale read after a completed write is a violation that names the read and the state', () => {
  const v = violation(history(write('a', 1, 0, 10), write('a', 2, 11, 20), read('b', 1, 21, 30)));
  assert.equal(v.key, 'x');
  assert.deepEqual(v.longestPrefix.map((op) => op.id), [1, 2]);
  assert.equal(v.stateAfterPrefix, '2');
  assert.deepEqual(v.pending.map((p) => [p.op.id, p.refused]), [[3, true]]);
  assert.match(v.reason, /op 3 \[21, 30\] client b: read → 1 \(impossible\)/);
});

test('a read of a key never written sees it absent, and seeing a value there is a violation', () => {
  assert.equal(check(history(readAbsent('a', 0, 5))).ok, true);
  assert.equal(check(history(read('a', 7, 0, 5))).ok, false);
});

test('reads after two concurrent writes may see either write win', () => {
  const writes = [write('a', 1, 0, 10), write('b', 2, 0, 10)];
  assert.equal(check(history(...writes, read('c', 1, 11, 12), read('c', 1, 13, 14))).ok, true);
  assert.equal(check(history(...writes, read('c', 2, 11, 12), read('c', 2, 13, 14))).ok, true);
});

test('reads after two concurrent writes flipping back to the loser is a violation', () => {
  const ops = history(write('a', 1, 0, 10), write('b', 2, 0, 10), read('c', 2, 11, 12), read('c', 1, 13, 14));
  const v = violation(ops);
  assert.deepEqual(v.pending.map((p) => p.op.id), [4]);
});

test('reads concurrent with two writes may see 1 then 2 but not 1, 2, 1', () => {
  const writes = [write('a', 1, 0, 100), write('b', 2, 0, 100)];
  assert.equal(check(history(...writes, read('c', 1, 10, 20), read('c', 2, 30, 40))).ok, true);
  assert.equal(check(history(...writes, read('c', 1, 10, 20), read('c', 2, 30, 40), read('c', 1, 50, 60))).ok, false);
});

test('touching intervals count as concurrent: a read returning when the write is called may miss it', () => {
  assert.equal(check(history(readAbsent('b', 0, 10), write('a', 1, 10, 20))).ok, true);
  assert.equal(check(history(write('a', 1, 0, 10), readAbsent('b', 10, 20))).ok, true);
  assert.equal(check(history(write('a', 1, 0, 10), readAbsent('b', 11, 20))).ok, false);
});

test('a successful cas after the expected value was written is linearizable, and its value is read back', () => {
  assert.equal(check(history(write('a', 1, 0, 10), cas('b', 1, 2, true, 11, 20), read('c', 2, 21, 30))).ok, true);
});

test('a cas reported successful although the value did not match is a violation', () => {
  assert.equal(check(history(write('a', 1, 0, 10), cas('b', 3, 4, true, 11, 20))).ok, false);
});

test('a cas reported failed although the value matched and nobody else wrote is a violation', () => {
  assert.equal(check(history(write('a', 1, 0, 10), cas('b', 1, 2, false, 11, 20))).ok, false);
});

test('a failed cas is linearizable when a concurrent write changed the value first', () => {
  assert.equal(check(history(write('a', 1, 0, 10), write('c', 5, 12, 18), cas('b', 1, 2, false, 11, 20), read('a', 5, 21, 30))).ok, true);
});

test('two successful cas from the same expected value is a violation; one winner is fine', () => {
  const base = write('a', 0, 0, 10);
  assert.equal(check(history(base, cas('b', 0, 1, true, 11, 20), cas('c', 0, 2, false, 11, 20))).ok, true);
  assert.equal(check(history(base, cas('b', 0, 1, true, 11, 20), cas('c', 0, 2, true, 11, 20))).ok, false);
});

test('cas compares values deeply, whatever the order of object keys', () => {
  const ops = history(write('a', { p: 1, q: [2, 3] }, 0, 10), cas('b', { q: [2, 3], p: 1 }, { done: true }, true, 11, 20), read('c', { done: true }, 21, 30));
  assert.equal(check(ops).ok, true);
});

test('cas expecting MISSING succeeds only while the key is absent', () => {
  assert.equal(check(history(cas('a', MISSING, 1, true, 0, 10), read('b', 1, 11, 20))).ok, true);
  assert.equal(check(history(write('a', 1, 0, 10), cas('b', MISSING, 2, true, 11, 20))).ok, false);
  assert.equal(check(history(write('a', 1, 0, 10), cas('b', MISSING, 2, false, 11, 20))).ok, true);
});

test('a lost acknowledged write is a violation', () => {
  const v = violation(history(write('a', 1, 0, 10), readAbsent('b', 20, 30)));
  assert.equal(v.stateAfterPrefix, '1');
  assert.deepEqual(v.longestPrefix.map((op) => op.id), [1]);
});

test('an unknown-outcome write may have happened: a later read may see it', () => {
  assert.equal(check(history(write('a', 5, 0), read('b', 5, 100, 110))).ok, true);
});

test('an unknown-outcome write may never have happened: later reads may miss it', () => {
  assert.equal(check(history(write('a', 5, 0), readAbsent('b', 100, 110), readAbsent('b', 120, 130))).ok, true);
});

test('an unknown-outcome write may take effect long after its client gave up', () => {
  assert.equal(check(history(write('a', 5, 0), readAbsent('b', 100, 110), read('b', 5, 500, 510))).ok, true);
});

test('an unknown-outcome write cannot take effect before its call, nor twice', () => {
  assert.equal(check(history(read('b', 5, 0, 10), write('a', 5, 20))).ok, false);
  const twice = history(write('a', 5, 0), read('b', 5, 10, 20), write('c', 6, 30, 40), read('b', 5, 50, 60));
  assert.equal(check(twice).ok, false);
});

test('an unknown-outcome cas takes effect only if its compare holds when it does', () => {
  const base = [write('a', 1, 0, 10), cas('b', 1, 2, false, 20)];
  assert.equal(check(history(...base, read('c', 2, 100, 110))).ok, true);
  assert.equal(check(history(...base, read('c', 1, 100, 110))).ok, true);
  assert.equal(check(history(write('a', 1, 0, 10), cas('b', 9, 2, false, 20), read('c', 2, 100, 110))).ok, false);
});

test('a delete makes later reads miss the key, and reading the deleted value is a violation', () => {
  const base = [write('a', 1, 0, 10), del('b', true, 11, 20)];
  assert.equal(check(history(...base, readAbsent('c', 21, 30))).ok, true);
  assert.equal(check(history(...base, read('c', 1, 21, 30))).ok, false);
});

test('a delete answering "not found" is a violation while the key exists, fine once another delete won', () => {
  assert.equal(check(history(write('a', 1, 0, 10), del('b', false, 11, 20))).ok, false);
  assert.equal(check(history(write('a', 1, 0, 10), del('b', true, 11, 20), del('c', false, 11, 20))).ok, true);
});

test('an unknown-outcome delete may or may not have removed the key', () => {
  assert.equal(check(history(write('a', 1, 0, 10), del('b', true, 11), read('c', 1, 50, 60))).ok, true);
  assert.equal(check(history(write('a', 1, 0, 10), del('b', true, 11), readAbsent('c', 50, 60))).ok, true);
});

test('in a multi-key history only the key that violates is reported, with its own ops only', () => {
  const ops = history(
    on('a', write('c1', 1, 0, 10)),
    on('b', write('c2', 1, 0, 10)),
    on('a', read('c3', 1, 11, 20)),
    on('b', readAbsent('c3', 21, 30)),
    on('c', readAbsent('c1', 21, 30)),
  );
  const v = violation(ops);
  assert.equal(v.key, 'b');
  assert.deepEqual(v.keyHistory.map((op) => op.id), [2, 4]);
});

test('keys are independent: the same values on other keys never explain a read', () => {
  assert.equal(check(history(on('a', write('c1', 1, 0, 10)), on('b', read('c2', 1, 11, 20)))).ok, false);
});

test('the plain register model checks read/write/delete histories and rejects cas ops', () => {
  assert.equal(checkLinearizable(history(write('a', 1, 0, 10), del('b', true, 11, 20), readAbsent('c', 21, 30)), registerModel).ok, true);
  assert.throws(() => checkLinearizable(history(cas('a', 1, 2, true, 0, 10)), registerModel), /casRegisterModel/);
});

test('an exhausted step budget answers unknown instead of a verdict, naming the undecided key', () => {
  const ops = history(write('a', 1, 0, 100), write('b', 2, 0, 100), read('c', 1, 10, 20), read('c', 2, 30, 40));
  const result = checkLinearizable(ops, casRegisterModel, { maxSteps: 2 });
  assert.deepEqual(result, { ok: 'unknown', keys: ['x'], reason: 'step budget exhausted before deciding "x" (4 ops); no other key violates' });
  assert.equal(stepBudget({ timeoutMs: 3, stepsPerMs: 10 }), 30);
  assert.equal(stepBudget({ timeoutMs: 3, maxSteps: 7 }), 7);
});

test('a key that runs out of steps does not keep a violation on another key from being reported', () => {
  const hard = [write('a', 1, 0, 100), write('b', 2, 0, 100), read('c', 1, 10, 20), read('c', 2, 30, 40), read('c', 2, 50, 60)].map((op) => on('hard', op));
  const broken = [write('a', 1, 0, 10), readAbsent('b', 20, 30), readAbsent('b', 40, 50), readAbsent('b', 60, 70), readAbsent('b', 80, 90), readAbsent('b', 95, 99)].map((op) => on('broken', op));
  const ops = history(...hard, ...broken);
  // "hard" (checked first: fewer ops) needs 14 steps; with 10 it gets half and gives up, "broken" needs 3.
  assert.equal(checkLinearizable(ops.filter((op) => op.key === 'hard'), casRegisterModel, { maxSteps: 5 }).ok, 'unknown');
  const result = checkLinearizable(ops, casRegisterModel, { maxSteps: 10 });
  assert.equal(result.ok, false);
  assert.equal((result as Violation).key, 'broken');
});

test('a malformed history is rejected with every problem listed', () => {
  const bad = [write('a', 1, 10, 5), { ...read('b', 1, 0, 1), id: 0 }];
  assert.throws(() => checkLinearizable(bad, casRegisterModel), /returns \(5\) before its call[\s\S]*duplicate id/);
});

test('an empty history is linearizable', () => {
  assert.deepEqual(checkLinearizable([], casRegisterModel), { ok: true });
});
