import { test } from 'node:test';
import assert from 'node:assert/strict';
import { casRegisterModel, registerModel } from './models.ts';
import type { RegisterState } from './models.ts';
import { MISSING } from './history.ts';
import type { Operation } from './history.ts';
import { cas, del, read, readAbsent, write } from './history-builders.ts';

const m = casRegisterModel;
const absent = m.init();
const holding = (value: unknown): RegisterState => m.step(absent, write('w', value, 0, 1)).next;

function accepts(state: RegisterState, op: Operation): boolean {
  return m.step(state, op).ok;
}

test('the register starts absent and a write sets the value whatever was there', () => {
  assert.equal(m.describe(absent), '(absent)');
  assert.equal(m.describe(holding(3)), '3');
  assert.equal(m.describe(m.step(holding(3), write('a', 'x', 0, 1)).next), '"x"');
});

test('a read is accepted only when its output matches the state, and never changes it', () => {
  assert.equal(accepts(holding(3), read('a', 3, 0, 1)), true);
  assert.equal(accepts(holding(3), read('a', 4, 0, 1)), false);
  assert.equal(accepts(holding(3), readAbsent('a', 0, 1)), false);
  assert.equal(accepts(absent, readAbsent('a', 0, 1)), true);
  assert.equal(accepts(absent, read('a', null, 0, 1)), false);
  const s = holding(3);
  assert.equal(m.step(s, read('a', 3, 0, 1)).next, s);
  assert.equal(m.step(s, read('a', 4, 0, 1)).next, s);
});

test('values compare deeply: key order is irrelevant, types are not', () => {
  assert.equal(accepts(holding({ a: 1, b: [1, { c: 2 }] }), read('r', { b: [1, { c: 2 }], a: 1 }, 0, 1)), true);
  assert.equal(accepts(holding(1), read('r', '1', 0, 1)), false);
  assert.equal(accepts(holding(null), read('r', null, 0, 1)), true);
  assert.equal(m.key(holding({ a: 1, b: 2 })), m.key(holding({ b: 2, a: 1 })));
  assert.notEqual(m.key(holding(null)), m.key(absent));
  assert.notEqual(m.key(holding('∅')), m.key(absent));
});

test('a cas is accepted iff its reported outcome matches the compare, and applies only on success', () => {
  assert.deepEqual(m.step(holding(1), cas('a', 1, 2, true, 0, 1)), { ok: true, next: holding(2) });
  assert.equal(accepts(holding(1), cas('a', 1, 2, false, 0, 1)), false);
  assert.equal(accepts(holding(1), cas('a', 5, 2, true, 0, 1)), false);
  assert.equal(m.describe(m.step(holding(1), cas('a', 5, 2, false, 0, 1)).next), '1');
});

test('a cas expecting MISSING compares against absence, including after a JSON round trip', () => {
  const roundTripped = JSON.parse(JSON.stringify(MISSING)) as unknown;
  assert.equal(accepts(absent, cas('a', MISSING, 1, true, 0, 1)), true);
  assert.equal(accepts(absent, cas('a', roundTripped, 1, true, 0, 1)), true);
  assert.equal(accepts(holding(1), cas('a', MISSING, 2, false, 0, 1)), true);
  assert.equal(accepts(holding(1), cas('a', MISSING, 2, true, 0, 1)), false);
});

test('a delete removes the key; "not found" is accepted only when the key is absent', () => {
  assert.deepEqual(m.step(holding(1), del('a', true, 0, 1)), { ok: true, next: absent });
  assert.equal(accepts(absent, del('a', true, 0, 1)), true);
  assert.equal(accepts(absent, del('a', false, 0, 1)), true);
  assert.equal(accepts(holding(1), del('a', false, 0, 1)), false);
});

test('unknown-outcome ops are always accepted and apply their effect in the given state', () => {
  assert.deepEqual(m.step(holding(1), cas('a', 1, 2, false, 0)), { ok: true, next: holding(2) });
  assert.deepEqual(m.step(holding(3), cas('a', 1, 2, true, 0)), { ok: true, next: holding(3) });
  assert.deepEqual(m.step(holding(3), del('a', false, 0)), { ok: true, next: absent });
  assert.deepEqual(m.step(absent, write('a', 4, 0)), { ok: true, next: holding(4) });
});

test('ops are classified for the search: reads and failed compares read-only, writes and deletes blind', () => {
  assert.equal(m.effect(read('a', 1, 0, 1)), 'read-only');
  assert.equal(m.effect(cas('a', 1, 2, false, 0, 1)), 'read-only');
  assert.equal(m.effect(del('a', false, 0, 1)), 'read-only');
  assert.equal(m.effect(write('a', 1, 0, 1)), 'blind');
  assert.equal(m.effect(write('a', 1, 0)), 'blind');
  assert.equal(m.effect(del('a', true, 0, 1)), 'blind');
  assert.equal(m.effect(del('a', false, 0)), 'blind');
  assert.equal(m.effect(cas('a', 1, 2, true, 0, 1)), 'general');
  assert.equal(m.effect(cas('a', 1, 2, false, 0)), 'general');
});

test('the plain register model agrees with the cas model on reads, writes and deletes and refuses cas', () => {
  for (const op of [read('a', 1, 0, 1), readAbsent('a', 0, 1), write('a', 2, 0, 1), del('a', true, 0, 1), del('a', false, 0, 1)]) {
    for (const state of [absent, holding(1)]) assert.deepEqual(registerModel.step(state, op), m.step(state, op));
  }
  assert.throws(() => registerModel.step(absent, cas('a', 1, 2, true, 0, 1)), /cas/);
});
