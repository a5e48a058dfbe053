import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HistoryRecorder } from './history-recorder.ts';
import { MISSING, isMissing, validateHistory } from './history.ts';
import { checkLinearizable } from './check.ts';
import { casRegisterModel } from './models.ts';

test('answered, failed and unknown ops become completed, absent and open-ended records', () => {
  const rec = new HistoryRecorder();
  const w = rec.invoke('c1', 'k', { kind: 'write', input: { value: 1 } }, 100);
  const bad = rec.invoke('c2', 'k', { kind: 'write', input: { value: 'too big' } }, 105);
  const r = rec.invoke('c2', 'k', { kind: 'read', input: null }, 110);
  const c = rec.invoke('c3', 'k', { kind: 'cas', input: { expect: 1, value: 2 } }, 120);
  rec.ok(w, { ok: true, revision: 7 }, 150);
  rec.fail(bad);
  rec.ok(r, { value: 1, found: true }, 160);
  rec.unknown(c);
  assert.deepEqual(rec.history(), [
    { id: w, client: 'c1', key: 'k', kind: 'write', input: { value: 1 }, output: { ok: true, revision: 7 }, call: 100, return: 150 },
    { id: r, client: 'c2', key: 'k', kind: 'read', input: null, output: { value: 1, found: true }, call: 110, return: 160 },
    { id: c, client: 'c3', key: 'k', kind: 'cas', input: { expect: 1, value: 2 }, output: undefined, call: 120, return: undefined },
  ]);
});

test('ops still in flight when the history is taken count as unknown', () => {
  const rec = new HistoryRecorder();
  rec.invoke('c1', 'k', { kind: 'delete', input: null }, 5);
  const [op] = rec.history();
  assert.equal(op?.return, undefined);
  assert.equal(op?.output, undefined);
});

test('resolving an op twice, an op never invoked, or returning before the call throws', () => {
  const rec = new HistoryRecorder();
  const id = rec.invoke('c1', 'k', { kind: 'read', input: null }, 10);
  assert.throws(() => rec.ok(id, { value: null, found: false }, 9), /before its call/);
  rec.ok(id, { value: null, found: false }, 11);
  assert.throws(() => rec.unknown(id), /already resolved/);
  assert.throws(() => rec.fail(99), /never invoked/);
});

test('a recorded history of a real interleaving checks as linearizable', () => {
  const rec = new HistoryRecorder();
  const a = rec.invoke('c1', 'k', { kind: 'cas', input: { expect: MISSING, value: 'v1' } }, 0);
  const b = rec.invoke('c2', 'k', { kind: 'cas', input: { expect: MISSING, value: 'v2' } }, 1);
  rec.ok(b, { ok: false }, 8);
  rec.ok(a, { ok: true }, 9);
  const r = rec.invoke('c2', 'k', { kind: 'read', input: null }, 10);
  rec.ok(r, { value: 'v1', found: true }, 12);
  assert.deepEqual(validateHistory(rec.history()), []);
  assert.deepEqual(checkLinearizable(rec.history(), casRegisterModel), { ok: true });
});

test('validation reports outputs of the wrong shape; MISSING is recognised structurally', () => {
  const rec = new HistoryRecorder();
  const id = rec.invoke('c1', 'k', { kind: 'read', input: null }, 0);
  rec.ok(id, { ok: true }, 1);
  assert.deepEqual(validateHistory(rec.history()), ['op 0: read output {"ok":true} has the wrong shape']);
  assert.equal(isMissing({ $missing: true }), true);
  assert.equal(isMissing({ $missing: true, other: 1 }), false);
  assert.equal(isMissing(null), false);
});
