// Randomized (seeded) checks: histories from a simulated linearizable store must pass; the same histories
// with one read corrupted must fail; and on tiny histories with random faults the checker must agree with a
// brute-force oracle. A failing seed reproduces exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRng } from '../../common/rng.ts';
import type { Rng } from '../../common/rng.ts';
import { checkLinearizable } from './check.ts';
import type { Violation } from './check.ts';
import { casRegisterModel, registerModel } from './models.ts';
import type { Operation } from './history.ts';
import { corruptOneRead, simulateHistory } from './simulate-history.ts';
import { bruteForceLinearizable } from './brute-force.ts';
import { renderViolation } from './render.ts';

const SEEDS = Array.from({ length: 30 }, (_, i) => i + 1);

function simulated(seed: number, cas = true): Operation[] {
  const rng = seededRng(seed);
  return simulateHistory({ seed, clients: 3 + rng.int(8), ops: 300, keys: ['a', 'b', 'c'], values: 2 + rng.int(4), unknownRate: rng.next() * 0.05, cas });
}

test('histories of a simulated linearizable store are linearizable', () => {
  for (const seed of SEEDS) {
    const result = checkLinearizable(simulated(seed), casRegisterModel);
    assert.deepEqual(result, { ok: true }, `seed ${seed}: ${result.ok === false ? renderViolation(result) : JSON.stringify(result)}`);
  }
});

test('read/write/delete histories of a simulated store are linearizable for the plain register', () => {
  for (const seed of SEEDS.slice(0, 10)) assert.deepEqual(checkLinearizable(simulated(seed, false), registerModel), { ok: true }, `seed ${seed}`);
});

test('one read corrupted to an impossible value makes the history fail on that read\'s key', () => {
  for (const seed of SEEDS) {
    const { ops, id } = corruptOneRead(simulated(seed), seed * 7);
    const result = checkLinearizable(ops, casRegisterModel);
    assert.equal(result.ok, false, `seed ${seed}: corrupted op ${id} went unnoticed (${JSON.stringify(result)})`);
    const v = result as Violation;
    const corrupted = ops.find((op) => op.id === id) as Operation;
    assert.equal(v.key, corrupted.key, `seed ${seed}`);
    assert.ok(v.keyHistory.includes(corrupted), `seed ${seed}`);
    assert.ok(!v.longestPrefix.includes(corrupted), `seed ${seed}: an impossible read was linearized`);
  }
});

test('on tiny histories with random faults the checker agrees with a brute-force oracle', () => {
  let linearizable = 0;
  for (let seed = 1; seed <= 1500; seed++) {
    const rng = seededRng(seed * 7919);
    const ops = perturb(rng, simulateHistory({ seed, clients: 1 + rng.int(5), ops: 2 + rng.int(7), keys: ['k'], values: 3, unknownRate: rng.next() * 0.4, maxDuration: 1 + rng.int(10), maxGap: rng.int(4) }));
    const expected = bruteForceLinearizable(ops, casRegisterModel);
    assert.equal(checkLinearizable(ops, casRegisterModel).ok, expected, `seed ${seed}: ${JSON.stringify(ops)}`);
    if (expected) linearizable++;
  }
  // Both verdicts must be well represented, or the comparison proves little.
  assert.ok(linearizable > 300 && linearizable < 1300, `${linearizable} of 1500 linearizable`);
});

/** Flips some outputs (wrong values, inverted cas/delete outcomes) and loses some write acknowledgements. */
function perturb(rng: Rng, ops: readonly Operation[]): Operation[] {
  return ops.map((op): Operation => {
    if (op.return === undefined || op.output === undefined || rng.next() > 0.15) return op;
    switch (op.kind) {
      case 'read':
        return { ...op, output: rng.next() < 0.3 ? { found: false, value: null } : { found: true, value: rng.int(3) } };
      case 'cas':
        return { ...op, output: { ok: !op.output.ok } };
      case 'delete':
        return { ...op, output: { ok: !op.output.ok } };
      case 'write':
        return { ...op, return: undefined, output: undefined };
    }
  });
}
