import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompileCache } from './compile-cache.ts';
import { compileRepo } from './compile-state.ts';
import { memoryReader } from '../source/memory-reader.ts';
import { worktreeReader } from '../source/worktree-reader.ts';
import { join } from 'node:path';

const PROJECT = 'apiVersion: runink.dev/v1\nkind: Project\nmetadata:\n  name: t\nspec:\n  defaultHerd: h\n';
const HERD = 'apiVersion: runink.dev/v1\nkind: Herd\nmetadata:\n  name: h\nspec:\n  quotas: {cpu: "100", memory: 100Gi, slices: 1000}\n';
const contract = (description: string): string =>
  `apiVersion: v3.1.0\nkind: DataContract\nid: c\nname: c\nversion: 1.0.0\nstatus: active\ndescription:\n  purpose: ${description}\nschema:\n  - name: c\n    logicalType: object\n    properties:\n      - name: id\n        logicalType: string\n`;
const pipeline = (n: number, limit: number): string =>
  `Feature: P${n}\n  @source("file://in/${n}.ndjson", contract=c, id=in)\n  @step(filter, expr="record.n > ${limit}")\n  @sink("file://out/${n}.ndjson", id=out)\n  Scenario: Copy\n    Given input\n    Then output\n`;

function repo(change: { pipeline?: number; contractText?: string } = {}): Record<string, string> {
  const files: Record<string, string> = { 'runink.yaml': PROJECT, 'herds/h.yaml': HERD, 'contracts/c.odcs.yaml': change.contractText ?? contract('first') };
  for (let i = 0; i < 30; i++) files[`pipelines/g${i % 3}/p${i}.dsl`] = pipeline(i, change.pipeline === i ? 99 : 0);
  return files;
}

test('a valid repository compiles to a state with every pipeline and no problems', async () => {
  const state = await compileRepo(memoryReader(repo()));
  assert.deepEqual(state.problems, []);
  assert.equal(Object.keys(state.pipelines).length, 30);
  assert.equal(state.pipelines['p7']?.scenarios[0]?.id, 'p7/copy');
  assert.deepEqual(Object.keys(state.contracts), ['c']);
});

test('a one-file change re-parses only that file and the folders on its path', async () => {
  const cache = new CompileCache();
  const base = await compileRepo(memoryReader(repo()), cache);
  cache.nextGeneration();
  const head = await compileRepo(memoryReader(repo({ pipeline: 4 })), cache);
  assert.equal(cache.compiledFiles, 1, 'only p4.dsl is read and compiled again');
  assert.notEqual(head.pipelines['p4']!.scenarios[0]!.specHash, base.pipelines['p4']!.scenarios[0]!.specHash);
  assert.equal(head.pipelines['p5'], base.pipelines['p5'], 'an unchanged pipeline is the very same compiled object');
  // And again: files of a folder that was a cache hit in the last compile are still reused (not dropped with
  // the cache generation).
  cache.nextGeneration();
  await compileRepo(memoryReader(repo({ pipeline: 7 })), cache);
  assert.equal(cache.compiledFiles, 2, 'p4.dsl (back to its first text) and p7.dsl');
});

test('a contract change that keeps its names and fields does not recompile any pipeline', async () => {
  const cache = new CompileCache();
  const base = await compileRepo(memoryReader(repo()), cache);
  cache.nextGeneration();
  const head = await compileRepo(memoryReader(repo({ contractText: contract('second') })), cache);
  assert.notEqual(head.contracts['c']!.hash, base.contracts['c']!.hash);
  for (const name of Object.keys(base.pipelines)) assert.equal(head.pipelines[name], base.pipelines[name]);
});

test('two pipeline files with the same name in different folders are an error naming both', async () => {
  const files = repo();
  files['pipelines/other/p3.dsl'] = pipeline(3, 0);
  const state = await compileRepo(memoryReader(files));
  const dup = state.problems.find((p) => p.code === 'REPO_DUPLICATE_PIPELINE');
  assert.ok(dup);
  assert.match(dup.message, /pipelines\/(g0|other)\/p3\.dsl/);
});

test('a repository without runink.yaml says how to create one', async () => {
  const state = await compileRepo(memoryReader({ 'pipelines/a.dsl': pipeline(1, 0) }));
  const p = state.problems.find((x) => x.code === 'REPO_NO_PROJECT');
  assert.ok(p?.hint?.includes('runi init'));
});

test('examples-repo compiles without any problem', async () => {
  const state = await compileRepo(worktreeReader(join(import.meta.dirname, '../../examples-repo')));
  assert.deepEqual(state.problems, []);
  assert.ok(Object.keys(state.pipelines).length >= 4);
  assert.ok(Object.keys(state.contracts).length >= 5);
  assert.ok(Object.keys(state.herds).length >= 2);
});
