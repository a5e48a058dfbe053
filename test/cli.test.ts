// The CLI verbs end to end on real files and a real Git repository (in-process through main(), which is what
// bin/runi.mjs calls), checking output and exit codes (0 ok, 1 findings, 2 usage).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../cli/main.ts';
import type { Output } from '../cli/output.ts';

const examples = join(import.meta.dirname, '../examples-repo');

async function runi(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o: Output = { out: (t) => void (out += t), err: (t) => void (err += t), color: false, tty: false };
  const code = await main(argv, o);
  return { code, out, err };
}

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'runink-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, encoding: 'utf8' }).trim();
}

test('runi plan between two commits shows the changed scenario with the field that changed', async (t) => {
  const dir = tempDir(t);
  const repo = join(dir, 'pipelines-repo');
  cpSync(examples, repo, { recursive: true });
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'one');
  const file = join(repo, 'pipelines/orders-silver.dsl');
  const text = readFileSync(file, 'utf8');
  assert.match(text, /@requires\(cpu=[^,]+, memory=[^)]+\)/);
  writeFileSync(file, text.replace(/@requires\(cpu=([^,]+), memory=[^)]+\)/, '@requires(cpu=$1, memory=300Mi)'));
  git(repo, 'commit', '-qam', 'two');
  const r = await runi('plan', '--repo', repo, '--base', 'HEAD~1', '--head', 'HEAD', '--json');
  assert.equal(r.code, 0, r.err);
  const plan = JSON.parse(r.out) as { scenarios: Array<{ kind: string; id: string; fields: Array<{ field: string; after: unknown }> }> };
  assert.deepEqual(plan.scenarios.map((s) => [s.kind, s.id]), [['changed', 'orders-silver/clean-and-mask-orders']]);
  assert.deepEqual(plan.scenarios[0]!.fields.map((f) => f.field), ['requires.memory']);
  assert.equal(plan.scenarios[0]!.fields[0]!.after, 300 * 1024 * 1024);
  const md = await runi('plan', '--repo', repo, '--base', 'main~1', '--head', 'main', '--markdown');
  assert.match(md.out, /\| ~ \| `orders-silver\/clean-and-mask-orders` \| retail \| `requires.memory` \|/);
});

test('runi plan with an unknown revision is a usage error', async () => {
  const r = await runi('plan', '--repo', examples, '--base', 'no-such-branch', '--head', 'WORKTREE');
  assert.equal(r.code, 2);
  assert.match(r.err, /unknown revision `no-such-branch`/);
});

test('runi plan without --head says what is missing', async () => {
  const r = await runi('plan', '--repo', examples, '--base', 'EMPTY');
  assert.equal(r.code, 2);
  assert.match(r.err, /--base and --head are required/);
});

test('runi contract diff exits 1 on a breaking change and 0 on an addition', async (t) => {
  const dir = tempDir(t);
  const base = readFileSync(join(examples, 'contracts/orders.odcs.yaml'), 'utf8');
  writeFileSync(join(dir, 'old.odcs.yaml'), base);
  // The optional `channel` field becomes required (breaking), with a major bump so only the change is judged.
  assert.equal(base.match(/required: false/g)?.length, 1);
  const breaking = base.replace(/^version: .*$/m, 'version: 9.0.0').replace('required: false', 'required: true');
  writeFileSync(join(dir, 'breaking.odcs.yaml'), breaking);
  const r1 = await runi('contract', 'diff', join(dir, 'old.odcs.yaml'), join(dir, 'breaking.odcs.yaml'));
  assert.equal(r1.code, 1, r1.out + r1.err);
  assert.match(r1.out, /REQUIRED_ADDED/);
  const same = await runi('contract', 'diff', join(dir, 'old.odcs.yaml'), join(dir, 'old.odcs.yaml'), '--json');
  assert.equal(same.code, 0);
  assert.equal((JSON.parse(same.out) as { verdict: string }).verdict, 'unchanged');
});

test('runi contract diff on an invalid contract lists its problems and exits 1', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'bad.odcs.yaml'), 'apiVersion: v9\nkind: DataContract\n');
  const r = await runi('contract', 'diff', join(dir, 'bad.odcs.yaml'), join(examples, 'contracts/orders.odcs.yaml'));
  assert.equal(r.code, 1);
  assert.match(r.out, /bad\.odcs\.yaml:1:\d+: error ODCS_API_VERSION/);
});

test('runi init refuses a folder that has files and exits 2', async (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'full'));
  writeFileSync(join(dir, 'full/keep.txt'), 'mine');
  const r = await runi('init', join(dir, 'full'));
  assert.equal(r.code, 2);
  assert.equal(readFileSync(join(dir, 'full/keep.txt'), 'utf8'), 'mine');
});

test('runi lineage prints JSON with the fan-in of the gold pipeline', async () => {
  const r = await runi('lineage', '--repo', examples, '--format', 'json');
  assert.equal(r.code, 0);
  const graph = JSON.parse(r.out) as { edges: Array<{ from: string; to: string }> };
  const into = graph.edges.filter((e) => e.to === 'revenue-gold/build-daily-revenue');
  assert.ok(into.length >= 2);
});

test('every verb has --help with an example, and an unknown verb is a usage error', async () => {
  for (const verb of ['validate', 'plan', 'lineage', 'init']) {
    const r = await runi(verb, '--help');
    assert.equal(r.code, 0);
    assert.match(r.out, /Example:/);
  }
  assert.match((await runi('contract', '--help')).out, /Example:/);
  assert.equal((await runi('frobnicate')).code, 2);
});

test('runi agent start and runi barn status refuse a missing or empty token file with exit 2, naming the file', async (t) => {
  const dir = tempDir(t);
  const empty = join(dir, 'token');
  writeFileSync(empty, '\n');
  const missing = join(dir, 'no-such-token');
  const agentArgs = ['agent', 'start', '--barn', 'http://127.0.0.1:9', '--node-id', 'a1', '--data-root', join(dir, 'data')];
  for (const [argv, expect] of [
    [[...agentArgs, '--token-file', empty], `${empty} is empty: put the bearer token in it`],
    [[...agentArgs, '--token-file', missing], `cannot read --token-file ${missing}`],
    [['barn', 'status', '--barn', 'http://127.0.0.1:9', '--token-file', empty], `${empty} is empty`],
  ] as const) {
    const r = await runi(...argv);
    assert.equal(r.code, 2, r.err);
    assert.ok(r.err.includes(expect), r.err);
  }
});
