// The seeded fault plan: reproducible from its seed, and every 18 s plan injects each kind of fault.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planFaults } from './fault-schedule.ts';

test('the same seed gives the same fault plan and another seed a different one', () => {
  assert.deepEqual(planFaults(42, 18_000, 3), planFaults(42, 18_000, 3));
  const plans = new Set(Array.from({ length: 20 }, (_, seed) => JSON.stringify(planFaults(seed, 18_000, 3))));
  assert.ok(plans.size > 15, `20 seeds give ${plans.size} distinct plans`);
});

test('every plan in an 18 s window kills, partitions and pauses, and fits in the window', () => {
  for (let seed = 0; seed < 500; seed++) {
    const plan = planFaults(seed, 18_000, 3);
    assert.deepEqual(new Set(plan.slice(0, 3).map((s) => s.kind)), new Set(['kill', 'partition', 'pause']), `seed ${seed}`);
    const budget = plan.reduce((sum, s) => sum + s.gapMs + s.durationMs + (s.kind === 'kill' ? 2500 : 0), 0);
    assert.ok(budget <= 18_000, `seed ${seed}: plan needs ${budget} ms`);
    for (const s of plan) {
      assert.ok(s.target === 'leader' || (s.target >= 0 && s.target < 3), `seed ${seed}: target ${s.target}`);
      assert.equal(s.mode !== undefined, s.kind === 'partition', `seed ${seed}: only partitions have a mode`);
    }
  }
});
