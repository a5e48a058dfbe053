import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatProblem } from '../common/problem.ts';
import { formatCpu, formatMemory } from '../common/quantity.ts';
import { admit } from './admit.ts';
import { runDataDriven } from './testing/datadriven.ts';
import { herdsFrom, parseYamlObject, pipelinesFrom } from './testing/fixtures.ts';

test('admission results match testdata/admit.txt', () => {
  runDataDriven(new URL('./testdata/admit.txt', import.meta.url), (c) => {
    if (c.command !== 'admit') throw new Error(`${c.at}: unknown command ${c.command}`);
    const spec = parseYamlObject(c.input);
    const herds = herdsFrom(spec['herds']);
    const { usage, problems } = admit({ herds, pipelines: pipelinesFrom(spec['scenarios']) });
    const lines = Object.entries(usage).map(([name, u]) => {
      const q = herds[name]!.quotas;
      return `usage ${name}: cpu ${formatCpu(u.cpu)}/${formatCpu(q.cpu)}, memory ${formatMemory(u.memory)}/${formatMemory(q.memory)}, slices ${u.slices}/${q.slices}`;
    });
    lines.push(...(problems.length === 0 ? ['no problems'] : problems.map(formatProblem)));
    return lines.join('\n');
  });
});

test('scenarios are counted once each, whatever order the pipelines come in', () => {
  const herds = herdsFrom({ retail: { quotas: { cpu: 1, memory: '1Gi', slices: 2 } } });
  const a = pipelinesFrom({ 'b/x': { herd: 'retail', cpu: '600m' }, 'a/y': { herd: 'retail', cpu: '600m' } });
  const reversed = Object.fromEntries(Object.entries(a).reverse());
  const first = admit({ herds, pipelines: a });
  assert.deepEqual(admit({ herds, pipelines: reversed }), first);
  assert.deepEqual(first.usage['retail'], { cpu: 1200, memory: 2 * 64 * 1024 ** 2, slices: 2 });
  assert.deepEqual(first.problems.map((p) => p.code), ['POLICY_QUOTA_EXCEEDED']);
});

test('an empty state admits with zero usage for every herd', () => {
  const herds = herdsFrom({ a: {}, b: {} });
  assert.deepEqual(admit({ herds, pipelines: {} }), {
    usage: { a: { cpu: 0, memory: 0, slices: 0 }, b: { cpu: 0, memory: 0, slices: 0 } },
    problems: [],
  });
});
