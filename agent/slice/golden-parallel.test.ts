// The @parallel scenarios of examples-repo with @golden, run in their worker processes; each sink must hold
// the expected records as a multiset (order across partitions is free).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checkGolden, loadExamples } from './golden-support.ts';
import { scratchDir } from './test-support.ts';

const { state, scenarios } = await loadExamples();
let scratch: string;
let cleanup: () => Promise<void>;
before(async () => {
  ({ path: scratch, cleanup } = await scratchDir('golden-parallel'));
});
after(() => cleanup());

describe('golden fixtures of examples-repo (@parallel)', () => {
  const parallel = scenarios.filter((s) => s.parallel.n > 1);
  it('examples-repo has a @parallel golden scenario', () => {
    assert.deepEqual(parallel.map((s) => s.id), ['orders-silver/clean-and-mask-orders']);
  });

  for (const spec of parallel) {
    it(`${spec.id} writes the expected records to every sink from ${spec.parallel.n} worker processes`, async () => {
      const result = await checkGolden(state, spec, scratch);
      assert.deepEqual([...new Set(result.quality.map((q) => q.partition))].sort(), Array.from({ length: spec.parallel.n }, (_, i) => i));
    });
  }
});
