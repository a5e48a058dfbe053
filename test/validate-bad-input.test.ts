// `runi validate` on repositories broken in every way the repository-model issue names. Each case starts from
// the `runi init` scaffold (which validates), breaks one thing, and checks: exit 1, the problem listed with
// file:line, and nothing crashes. The last case breaks everything at once, in a real `runi` process, and
// checks that every problem is listed, not just the first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync, readFileSync, openSync, ftruncateSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../cli/main.ts';
import type { Output } from '../cli/output.ts';
import { initRepo } from '../reconciler/scaffold/init-repo.ts';

const root = join(import.meta.dirname, '..');

function scaffold(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'runink-bad-')), 'repo');
  initRepo(dir, 'bad');
  return dir;
}

async function validate(dir: string): Promise<{ code: number; out: string; json: { problems: Array<{ code: string; file?: string; line?: number }> } }> {
  let out = '';
  const o: Output = { out: (t) => void (out += t), err: (t) => void (out += t), color: false, tty: false };
  const code = await main(['validate', dir], o);
  let jsonOut = '';
  const oj: Output = { out: (t) => void (jsonOut += t), err: () => undefined, color: false, tty: false };
  await main(['validate', dir, '--json'], oj);
  return { code, out, json: JSON.parse(jsonOut) };
}

function edit(dir: string, path: string, change: (text: string) => string): void {
  writeFileSync(join(dir, path), change(readFileSync(join(dir, path), 'utf8')));
}

const PIPELINE = 'pipelines/events.dsl';
const CASES: Array<{ name: string; breakIt: (dir: string) => void; code: string; file: string; line?: number }> = [
  { name: 'malformed YAML', breakIt: (d) => edit(d, 'herds/default.yaml', (t) => t.replace('  quotas:', '  quotas: [')), code: 'YAML_SYNTAX', file: 'herds/default.yaml' },
  {
    name: 'a YAML alias bomb',
    breakIt: (d) => {
      const lines = ['apiVersion: runink.dev/v1', 'kind: Herd', 'metadata: {name: bomb}', 'spec:', '  a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
      for (let i = 1; i < 12; i++) lines.push(`  a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
      writeFileSync(join(d, 'herds/bomb.yaml'), `${lines.join('\n')}\n`);
    },
    code: 'YAML_ALIAS_LIMIT',
    file: 'herds/bomb.yaml',
  },
  { name: 'invalid UTF-8', breakIt: (d) => writeFileSync(join(d, 'pipelines/latin1.dsl'), Buffer.from([0x46, 0x65, 0x61, 0x74, 0x75, 0x72, 0x65, 0x3a, 0x20, 0x0a, 0x63, 0x61, 0x66, 0xe9, 0x0a])), code: 'FILE_INVALID_UTF8', file: 'pipelines/latin1.dsl', line: 2 },
  {
    name: 'a 50 MB file',
    breakIt: (d) => {
      const fd = openSync(join(d, 'contracts/huge.odcs.yaml'), 'w');
      ftruncateSync(fd, 50 * 1024 * 1024);
      closeSync(fd);
    },
    code: 'FILE_TOO_LARGE',
    file: 'contracts/huge.odcs.yaml',
  },
  { name: 'an unknown key', breakIt: (d) => edit(d, 'herds/default.yaml', (t) => t.replace('  isolation: required', '  isolaton: required')), code: 'MANIFEST_UNKNOWN_KEY', file: 'herds/default.yaml', line: 17 },
  { name: 'a contract with a bad apiVersion', breakIt: (d) => edit(d, 'contracts/events.odcs.yaml', (t) => t.replace('apiVersion: v3.1.0', 'apiVersion: v9.9.9')), code: 'ODCS_API_VERSION', file: 'contracts/events.odcs.yaml', line: 1 },
  { name: 'a pipeline naming a missing contract', breakIt: (d) => edit(d, PIPELINE, (t) => t.replace('@contract(events)', '@contract(event)')), code: 'DSL_UNKNOWN_CONTRACT', file: PIPELINE, line: 5 },
  { name: 'a pipeline naming a missing step', breakIt: (d) => edit(d, PIPELINE, (t) => t.replace('@step(Enrich,', '@step(Enrish,')), code: 'DSL_UNKNOWN_STEP', file: PIPELINE, line: 8 },
  { name: 'a sink path with ..', breakIt: (d) => edit(d, PIPELINE, (t) => t.replace('file://clean/events.ndjson', 'file://../../etc/events.ndjson')), code: 'DSL_PATH_ESCAPE', file: PIPELINE, line: 10 },
  { name: 'an absolute sink path outside the data root', breakIt: (d) => edit(d, PIPELINE, (t) => t.replace('file://clean/events.ndjson', 'file:///etc/events.ndjson')), code: 'DSL_PATH_ESCAPE', file: PIPELINE, line: 10 },
  { name: 'a symlink pointing out of the repository', breakIt: (d) => symlinkSync('/etc/hostname', join(d, 'contracts/outside.odcs.yaml')), code: 'REPO_SYMLINK_ESCAPE', file: 'contracts/outside.odcs.yaml' },
  { name: 'a cycle', breakIt: (d) => edit(d, PIPELINE, (t) => t.replace('@step(validate, contract=events)', '@step(validate, contract=events, id=v, after=m)').replace('@step(mask, contract=events, strategy=hash)', '@step(mask, contract=events, strategy=hash, id=m, after=v)')), code: 'DSL_CYCLE', file: PIPELINE },
  { name: 'a herd over its quota', breakIt: (d) => edit(d, PIPELINE, (t) => t.replace('@requires(cpu=250m, memory=128Mi)', '@requires(cpu=3, memory=128Mi)')), code: 'POLICY_QUOTA_EXCEEDED', file: 'herds/default.yaml' },
];

test('the scaffold from runi init validates cleanly', async () => {
  const dir = scaffold();
  try {
    const r = await validate(dir);
    assert.equal(r.code, 0, r.out);
    assert.deepEqual(r.json.problems.filter((p) => (p as { severity?: string }).severity === 'error'), []);
  } finally {
    rmSync(join(dir, '..'), { recursive: true, force: true });
  }
});

for (const c of CASES) {
  test(`${c.name} is reported as ${c.code} at ${c.file} with exit 1`, async () => {
    const dir = scaffold();
    try {
      c.breakIt(dir);
      const r = await validate(dir);
      assert.equal(r.code, 1, r.out);
      const found = r.json.problems.find((p) => p.code === c.code && p.file === c.file);
      assert.ok(found, `expected ${c.code} at ${c.file}, got:\n${r.out}`);
      if (c.line !== undefined) assert.equal(found.line, c.line, r.out);
      // One broken file is reported once: no follow-on errors in files that are fine.
      assert.deepEqual([...new Set(r.json.problems.filter((p) => (p as { severity?: string }).severity === 'error').map((p) => p.file))], [c.file], r.out);
      assert.ok(r.out.includes(`${c.file}:`), r.out);
    } finally {
      rmSync(join(dir, '..'), { recursive: true, force: true });
    }
  });
}

test('a repository broken in every way lists every problem from a real runi process', () => {
  const dir = scaffold();
  try {
    for (const c of CASES) c.breakIt(dir);
    const r = spawnSync(process.execPath, [join(root, 'bin/runi.mjs'), 'validate', dir, '--json'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 1, r.stderr);
    const problems = (JSON.parse(r.stdout) as { problems: Array<{ code: string; file?: string }> }).problems;
    // Several cases break the same file; the first breakage of a file can mask the next (a herd that no longer
    // parses has no unknown keys to report), so check the first case of every file.
    const firstPerFile = CASES.filter((c, i) => CASES.findIndex((x) => x.file === c.file) === i);
    for (const c of firstPerFile) {
      assert.ok(problems.some((p) => p.code === c.code && p.file === c.file), `missing ${c.code} at ${c.file}`);
    }
    assert.ok(problems.some((p) => p.file === PIPELINE && p.code.startsWith('DSL_')));
  } finally {
    rmSync(join(dir, '..'), { recursive: true, force: true });
  }
});
