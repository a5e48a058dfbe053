// The seeded simulation of the Raft core: many seeds of 3- and 5-node clusters under faults, every safety
// invariant checked after every step, liveness at the end of each seed.
//   RUNINK_SIM_SEEDS=n   run n seeds per cluster size (default below, sized for CI)
//   RUNINK_SIM_SEED=s    run only seed s (both sizes), printing every action and core log line
// A failing seed prints its violation and trace; rerun it alone with RUNINK_SIM_SEED to see everything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_FAULTS } from './faults.ts';
import { describeResult } from './report.ts';
import { simulate } from './simulate.ts';
import type { PlantedBug, SimOptions, SimResult } from './types.ts';

const DEFAULT_SEEDS = 1000;
const STEPS = 400;
const single = process.env.RUNINK_SIM_SEED;
const seeds = Number(process.env.RUNINK_SIM_SEEDS ?? DEFAULT_SEEDS);

/** The options of seed `seed`: sizes alternate runs; every fourth seed uses heavy faults. */
function optionsFor(seed: number, nodes: 3 | 5): SimOptions {
  return { nodes, steps: STEPS, faults: seed % 4 === 3 ? 'heavy' : 'default' };
}

function report(failures: readonly SimResult[]): string {
  return failures
    .slice(0, 5)
    .map(describeResult)
    .join('\n\n');
}

test(`${single === undefined ? seeds : 1} seed(s) of 3- and 5-node clusters keep every safety invariant and recover liveness`, () => {
  const list = single === undefined ? Array.from({ length: seeds }, (_, i) => i + 1) : [Number(single)];
  const failures: SimResult[] = [];
  let runs = 0;
  const start = performance.now();
  for (const seed of list) {
    for (const nodes of [3, 5] as const) {
      const log = single === undefined ? undefined : (line: string) => console.log(line);
      const r = simulate(seed, { ...optionsFor(seed, nodes), log });
      runs++;
      if (single !== undefined) console.log(describeResult(r));
      if (r.violation !== undefined) failures.push(r);
    }
  }
  const seconds = (performance.now() - start) / 1000;
  console.log(`simulation: ${runs} runs × ${STEPS} steps in ${seconds.toFixed(1)} s (${(runs / seconds).toFixed(0)} runs/s), ${failures.length} failed`);
  if (failures.length > 0) console.log(report(failures));
  assert.deepEqual(
    failures.map((r) => `seed ${r.seed} nodes ${r.variant.nodes}: ${r.violation?.invariant}`),
    [],
    `failing seeds (rerun one with RUNINK_SIM_SEED=<seed>):\n${report(failures)}`,
  );
});

test('the same seed reproduces the same run exactly, and another seed a different one', () => {
  const a = simulate(42, { nodes: 5, steps: 300, faults: 'heavy', traceLength: 300 });
  const b = simulate(42, { nodes: 5, steps: 300, faults: 'heavy', traceLength: 300 });
  const c = simulate(43, { nodes: 5, steps: 300, faults: 'heavy', traceLength: 300 });
  assert.deepEqual(b, a);
  assert.equal(a.trace.length, 300);
  assert.notDeepEqual(c.trace, a.trace);
});

test('a fault-free run elects a leader, commits proposals and passes the liveness check', () => {
  const r = simulate(7, { nodes: 3, steps: 600, faults: 'none' });
  assert.equal(r.violation, undefined, describeResult(r));
  assert.ok(r.stats.leaders >= 1 && r.stats.committed > 5 && r.stats.livenessRounds >= 1, describeResult(r));
  assert.equal(r.stats.crashes, 0);
});

test('runs with frequent membership changes commit new configurations and keep every invariant', () => {
  const faults = { ...DEFAULT_FAULTS, reconfigure: 6 };
  const results = [1, 2, 3, 4].map((seed) => simulate(seed, { nodes: 3, steps: 800, faults, variant: { swarm: {} } }));
  for (const r of results) assert.equal(r.violation, undefined, describeResult(r));
  assert.ok(results.reduce((sum, r) => sum + r.stats.confChanges, 0) >= 4, results.map(describeResult).join('\n'));
});

test('a liveness budget too small to elect and commit is reported as a liveness violation', () => {
  const r = simulate(7, { nodes: 5, steps: 0, faults: 'none', livenessRounds: 1 });
  assert.equal(r.violation?.invariant, 'liveness');
  assert.match(r.violation?.message ?? '', /after 1 rounds without faults/);
});

/** Runs seeds from 1 until one reports a violation; returns it (or undefined after `limit` seeds). */
function firstCaught(plantedBug: PlantedBug, limit: number): SimResult | undefined {
  for (let seed = 1; seed <= limit; seed++) {
    for (const nodes of [3, 5] as const) {
      const r = simulate(seed, { nodes, steps: 300, faults: 'heavy', plantedBug });
      if (r.violation !== undefined) return r;
    }
  }
  return undefined;
}

test('a node loop that forgets its vote on restart is caught as two leaders in one term', () => {
  const r = firstCaught('forget-vote-on-restart', 400);
  assert.equal(r?.violation?.invariant, 'election-safety', r === undefined ? 'not caught' : describeResult(r));
});

test('a node loop that sends before persisting is caught when a crash loses acknowledged entries', () => {
  const r = firstCaught('persist-after-send', 200);
  assert.ok(r?.violation?.invariant === 'durability' || r?.violation?.invariant === 'raft-invariant', r === undefined ? 'not caught' : describeResult(r));
});

test('a storage that loses its last entry on a crash is caught', () => {
  const r = firstCaught('drop-tail-on-crash', 50);
  assert.ok(r?.violation?.invariant === 'durability' || r?.violation?.invariant === 'raft-invariant', r === undefined ? 'not caught' : describeResult(r));
});
