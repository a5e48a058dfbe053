// Size checks: histories of the size the Barn harness records (~2,000 ops per key, 10 clients) are decided
// within the default step budget. No timing asserts; the step counts in the budget are deterministic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLinearizable } from './check.ts';
import { casRegisterModel } from './models.ts';
import { corruptOneRead, simulateHistory } from './simulate-history.ts';

// A budget well below the default, so a regression in the search's pruning fails here rather than timing out.
const BUDGET = { maxSteps: 2_000_000 };

test('three keys of 2,000 ops each from 10 clients, some outcomes unknown, are decided linearizable', () => {
  const ops = simulateHistory({ seed: 2024, clients: 10, ops: 6000, keys: ['a', 'b', 'c'], values: 5, unknownRate: 0.01 });
  assert.ok(ops.filter((op) => op.key === 'a').length > 1900);
  assert.deepEqual(checkLinearizable(ops, casRegisterModel, BUDGET), { ok: true });
});

test('2,000 ops on one key with unique written values and 2% unknown outcomes are decided linearizable', () => {
  const ops = simulateHistory({ seed: 7, clients: 10, ops: 2000, keys: ['k'], values: 'unique', unknownRate: 0.02 });
  assert.deepEqual(checkLinearizable(ops, casRegisterModel, BUDGET), { ok: true });
});

test('2,000 ops on one key with one read corrupted three quarters in are decided not linearizable', () => {
  const history = simulateHistory({ seed: 11, clients: 10, ops: 2000, keys: ['k'], values: 'unique', unknownRate: 0.01 });
  const { ops, id } = corruptOneRead(history, 750);
  assert.ok(ops.findIndex((op) => op.id === id) > 1400);
  const result = checkLinearizable(ops, casRegisterModel, BUDGET);
  assert.equal(result.ok, false, JSON.stringify(result));
  assert.ok(result.ok === false && !result.longestPrefix.some((op) => op.id === id));
});
