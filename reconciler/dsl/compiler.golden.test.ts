// Datadriven golden tests: every `testdata/*.case` holds a DSL file (`-- input --`) and what compiling it
// gives (`-- output --`): the problems, one per line in `formatProblem` form, then the compiled pipeline as
// YAML (locations shortened to line:col, specHash to 12 characters). RUNINK_REWRITE=1 rewrites the outputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { formatProblem } from '../../common/problem.ts';
import type { PipelineSpec } from '../../contracts/desired-state.ts';
import { compilePipeline, type CompileContext } from './compiler.ts';

const dir = new URL('./testdata/', import.meta.url);
const rewrite = process.env['RUNINK_REWRITE'] === '1';

const TEST_CONTEXT: CompileContext = {
  defaultHerd: 'retail',
  herds: new Set(['retail', 'finance']),
  contracts: new Map([
    ['orders_raw', { datasets: ['orders'] }],
    ['orders', { datasets: ['orders'], fields: ['order_id', 'customer_id', 'amount', 'currency'] }],
    ['customers', { datasets: ['customers'], fields: ['customer_id', 'email', 'name'] }],
    ['payments', { datasets: ['payments'] }],
  ]),
  userSteps: new Map([
    ['NormalizeCurrency', { module: 'steps/NormalizeCurrency.ts', hash: 'sha256:1111' }],
    ['JoinCustomers', { module: 'steps/JoinCustomers.js', hash: 'sha256:2222' }],
  ]),
};

function render(pipeline: PipelineSpec | undefined, problems: readonly string[]): string {
  const parts = [problems.length === 0 ? 'problems: none' : problems.join('\n')];
  if (pipeline) parts.push(stringify(shorten(pipeline), { lineWidth: 0 }).trimEnd());
  return `${parts.join('\n')}\n`;
}

/** Locations as "line:col", specHash abbreviated: the golden files stay readable. */
function shorten(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shorten);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'loc') out[k] = `${(v as { line: number }).line}:${(v as { col: number }).col}`;
    else if (k === 'specHash') out[k] = String(v).slice(0, 12);
    else out[k] = shorten(v);
  }
  return out;
}

function splitCase(text: string): { head: string; input: string; output: string } {
  const i = text.indexOf('-- input --\n');
  const o = text.indexOf('-- output --\n');
  assert.ok(i >= 0 && o > i, 'a case file has `-- input --` then `-- output --`');
  return { head: text.slice(0, i), input: text.slice(i + 12, o), output: text.slice(o + 13) };
}

const cases = readdirSync(dir).filter((f) => f.endsWith('.case')).sort();

test('the golden corpus has at least 25 cases', () => {
  assert.ok(cases.length >= 25, `found ${cases.length}`);
});

for (const name of cases) {
  const path = new URL(name, dir);
  const text = readFileSync(path, 'utf8');
  const { head, input, output } = splitCase(text);
  const description = head.split('\n')[0]!.replace(/^#\s*/, '') || name;
  test(`${name}: ${description}`, () => {
    const stem = name.replace(/\.case$/, '');
    const result = compilePipeline({ file: `pipelines/${stem}.dsl`, name: stem, text: input }, TEST_CONTEXT);
    const actual = render(result.pipeline, result.problems.map(formatProblem));
    if (rewrite) {
      writeFileSync(path, `${head}-- input --\n${input}-- output --\n${actual}`);
      return;
    }
    assert.equal(actual, output);
  });
}
