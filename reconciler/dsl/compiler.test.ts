// Properties of compilePipeline that golden files do not show well: hostile input stays bounded, and
// specHash follows what runs rather than where it is written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CompileContext } from './compile-context.ts';
import { compilePipeline } from './compiler.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { MAX_PROBLEMS_PER_FILE } from './problem-sink.ts';

const ctx: CompileContext = {
  defaultHerd: 'retail',
  herds: new Set(['retail']),
  contracts: new Map([['orders', { datasets: ['orders'] }]]),
  userSteps: new Map([['Enrich', { module: 'steps/Enrich.ts', hash: 'h1' }]]),
};

const PIPELINE = `Feature: F
  @source("file://a.ndjson")
  @step(Enrich, level=2)
  @sink("file://b.ndjson")
  Scenario: S
    Given input
`;

function compile(text: string, c: CompileContext = ctx) {
  return compilePipeline({ file: 'pipelines/p.dsl', name: 'p', text }, c);
}

function timed<T>(fn: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = fn();
  return { value, ms: performance.now() - start };
}

test('4 MB of random bytes is rejected quickly with a bounded number of problems', () => {
  let seed = 42;
  const chars: string[] = [];
  const alphabet = '@()[]",=#\n abcXYZ019-_./:\\*{}';
  for (let i = 0; i < 4 * 1024 * 1024; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    chars.push(alphabet[seed % alphabet.length]!);
  }
  const { value, ms } = timed(() => compile(chars.join('')));
  assert.equal(value.pipeline, undefined);
  assert.ok(value.problems.length <= MAX_PROBLEMS_PER_FILE + 1);
  assert.ok(ms < 3000, `took ${ms} ms`);
});

test('deep nesting of brackets, parentheses and CEL does not overflow the stack', () => {
  const deep = [
    `@t(${'['.repeat(2_000_000)})`,
    `Feature: F\n  @source("file://a")\n  @step(filter, expr="${'('.repeat(100_000)}")\n  @sink("file://b")\n  Scenario: S\n    Given x\n`,
    `${'@a'.repeat(1_000_000)}\n`,
    `Feature: F\n${'  Given x\n'.repeat(200_000)}`,
  ];
  for (const text of deep) {
    const { value, ms } = timed(() => compile(text));
    assert.ok(value.problems.length > 0);
    assert.ok(ms < 3000, `took ${ms} ms`);
  }
});

test('a long but valid pipeline compiles in linear time', () => {
  const steps = Array.from({ length: 3000 }, (_, i) => `  @step(filter, id=s${i}, expr="record.n > ${i}")`).join('\n');
  const text = `Feature: F\n  @source("file://a.ndjson")\n${steps}\n  @sink("file://b.ndjson")\n  Scenario: S\n    Given many steps\n`;
  const { value, ms } = timed(() => compile(text));
  assert.deepEqual(value.problems, []);
  assert.equal(value.pipeline!.scenarios[0]!.steps.length, 3000);
  assert.equal(value.pipeline!.scenarios[0]!.steps[2999]!.after[0], 's2998');
  assert.ok(ms < 3000, `took ${ms} ms`);
});

test('specHash ignores moved lines and comments but follows parameters and module content', () => {
  const base = compile(PIPELINE).pipeline!.scenarios[0]!;
  const moved = compile(`# a comment\n\n${PIPELINE.replace('Feature: F', 'Feature: F\n  Some description.\n')}`).pipeline!.scenarios[0]!;
  assert.notDeepEqual(moved.loc, base.loc);
  assert.equal(moved.specHash, base.specHash);
  const changedParam = compile(PIPELINE.replace('level=2', 'level=3')).pipeline!.scenarios[0]!;
  assert.notEqual(changedParam.specHash, base.specHash);
  const newModule = { ...ctx, userSteps: new Map([['Enrich', { module: 'steps/Enrich.ts', hash: 'h2' }]]) };
  assert.notEqual(compile(PIPELINE, newModule).pipeline!.scenarios[0]!.specHash, base.specHash);
  assert.match(base.specHash, /^[0-9a-f]{64}$/);
});

test('the compiled pipeline is plain sorted JSON: serialising twice gives the same text', () => {
  const { pipeline } = compile(PIPELINE);
  const json = JSON.stringify(pipeline);
  assert.equal(JSON.stringify(JSON.parse(json)), json);
  assert.deepEqual(Object.keys(pipeline!.scenarios[0]!), [...Object.keys(pipeline!.scenarios[0]!)].sort());
});

test('invalid input never throws, whatever it is', () => {
  const inputs = ['', '\u0000\u0001', '@', '@(', '@a(', '@a("', '@a(k=', '@a([', 'Feature:', 'Scenario:', '@step()\nFeature: x\n  Scenario: y\n    Given z', '@a(\\)'];
  for (const text of inputs) assert.doesNotThrow(() => compile(text), JSON.stringify(text));
});

test('randomly mutated golden inputs never make the compiler throw', () => {
  const dir = new URL('./testdata/', import.meta.url);
  const inputs = readdirSync(dir)
    .filter((f) => f.endsWith('.case'))
    .map((f) => readFileSync(new URL(f, dir), 'utf8').split('-- input --\n')[1]!.split('-- output --\n')[0]!);
  const pieces = ['@', '(', ')', '[', ']', '"', ',', '=', '\n', '#', '\\', 'after=x', 'id=a', '..', 'Scenario: x\n', 'Given y\n'];
  let seed = 7;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed % n;
  };
  for (const input of inputs) {
    for (let round = 0; round < 40; round++) {
      let text = input;
      for (let k = 0; k < 3; k++) {
        const at = next(text.length + 1);
        text = next(2) === 0 ? text.slice(0, at) + pieces[next(pieces.length)]! + text.slice(at) : text.slice(0, at) + text.slice(at + 1 + next(5));
      }
      assert.doesNotThrow(() => compile(text), text);
    }
  }
});
