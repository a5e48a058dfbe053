// Every single-process scenario of examples-repo with @golden, run on its fixtures; the output must equal
// expected/<sink-id>.ndjson byte for byte. (@parallel scenarios: golden-parallel.test.ts.)
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checkGolden, loadExamples } from './golden-support.ts';
import { scratchDir } from './test-support.ts';

const { state, scenarios } = await loadExamples();
let scratch: string;
let cleanup: () => Promise<void>;
before(async () => {
  ({ path: scratch, cleanup } = await scratchDir('golden'));
});
after(() => cleanup());

describe('golden fixtures of examples-repo (single process)', () => {
  it('the example repository compiles without errors and has six golden scenarios', () => {
    assert.deepEqual(state.problems.filter((p) => p.severity === 'error'), []);
    assert.equal(scenarios.length, 6);
  });

  for (const spec of scenarios.filter((s) => s.parallel.n === 1)) {
    it(`${spec.id} writes exactly the expected records to every sink`, async () => {
      await checkGolden(state, spec, scratch);
    });
  }
});
