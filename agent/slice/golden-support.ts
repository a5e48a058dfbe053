// Shared by the golden tests: compile examples-repo once per test file and run one scenario on its golden
// fixtures (input/<source-id>.ndjson in a scratch data root), comparing each sink's output with
// expected/<sink-id>.ndjson — in order and byte for byte, or as a multiset for @parallel scenarios.
import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DesiredState, ScenarioSpec } from '../../contracts/desired-state.ts';
import { compileRepo } from '../../reconciler/desired/compile-state.ts';
import { worktreeReader } from '../../reconciler/source/worktree-reader.ts';
import { relativeDataPath } from './data-path.ts';
import { runScenario } from './run-scenario.ts';
import type { RunResult } from './types.ts';

export const EXAMPLES_REPO = fileURLToPath(new URL('../../examples-repo/', import.meta.url));

export async function loadExamples(): Promise<{ state: DesiredState; scenarios: ScenarioSpec[] }> {
  const state = await compileRepo(worktreeReader(EXAMPLES_REPO));
  const scenarios = Object.values(state.pipelines)
    .flatMap((p) => p.scenarios)
    .filter((s) => s.golden !== undefined);
  return { state, scenarios };
}

export async function checkGolden(state: DesiredState, spec: ScenarioSpec, scratch: string): Promise<RunResult> {
  const golden = join(EXAMPLES_REPO, spec.golden!);
  const dataRoot = await mkdtemp(join(scratch, `${spec.slug}-`));
  const inputs = Object.fromEntries(spec.sources.map((s) => [s.id, join(golden, 'input', `${s.id}.ndjson`)]));
  const result = await runScenario(spec, { repoRoot: EXAMPLES_REPO, dataRoot, contracts: state.contracts, inputs });
  assert.equal(result.status, 'COMPLETE', JSON.stringify(result.error));
  for (const sink of spec.sinks) {
    const actualText = await readFile(join(dataRoot, relativeDataPath(sink.uri)), 'utf8');
    const expectedText = await readFile(join(golden, 'expected', `${sink.id}.ndjson`), 'utf8');
    const actual = parse(actualText);
    const expected = parse(expectedText);
    if (spec.parallel.n === 1) {
      assert.deepEqual(actual, expected, `sink ${sink.id}`);
      assert.equal(actualText, expectedText, `sink ${sink.id} (text)`);
    } else {
      assert.deepEqual(actual.map((r) => JSON.stringify(r)).sort(), expected.map((r) => JSON.stringify(r)).sort(), `sink ${sink.id}`);
    }
  }
  const rejected = spec.sinks.find((s) => s.deadLetter);
  if (rejected !== undefined) assert.equal(result.stats.deadLettered, parse(await readFile(join(golden, 'expected', `${rejected.id}.ndjson`), 'utf8')).length);
  return result;
}

function parse(text: string): unknown[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as unknown);
}
