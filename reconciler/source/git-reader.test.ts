import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gitReader, locateGit } from './git-reader.ts';
import { openRef } from './open-ref.ts';
import { resolveCommit } from './resolve-ref.ts';
import { worktreeReader } from './worktree-reader.ts';

function repo(): { dir: string; git: (...args: string[]) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'runink-git-'));
  const git = (...args: string[]): string =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, encoding: 'utf8' }).trim();
  git('init', '-q', '-b', 'main');
  return { dir, git, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

test('a commit of a subfolder is listed with the same blob ids as git and the working tree', async (t) => {
  const r = repo();
  t.after(r.cleanup);
  mkdirSync(join(r.dir, 'pipes/pipelines'), { recursive: true });
  writeFileSync(join(r.dir, 'pipes/runink.yaml'), 'kind: Project\n');
  writeFileSync(join(r.dir, 'pipes/pipelines/a.dsl'), 'Feature: A\n');
  r.git('add', '.');
  r.git('commit', '-qm', 'one');
  const loc = await locateGit(join(r.dir, 'pipes'));
  assert.ok(loc);
  assert.equal(loc.prefix, 'pipes');
  const reader = await gitReader(loc, await resolveCommit(loc, 'HEAD'));
  const entries = await reader.list('pipelines');
  assert.deepEqual(entries.map((e) => e.path), ['pipelines/a.dsl']);
  assert.equal(entries[0]!.oid, r.git('rev-parse', 'HEAD:pipes/pipelines/a.dsl'));
  assert.equal(await reader.treeOid('pipelines'), r.git('rev-parse', 'HEAD:pipes/pipelines'));
  const wt = await worktreeReader(join(r.dir, 'pipes')).list('pipelines');
  assert.equal(wt[0]!.oid, entries[0]!.oid);
  assert.equal(new TextDecoder().decode(await reader.read(entries[0]!)), 'Feature: A\n');
});

test('revisions resolve through branches, short ids and ancestry suffixes', async (t) => {
  const r = repo();
  t.after(r.cleanup);
  writeFileSync(join(r.dir, 'f'), '1');
  r.git('add', '.');
  r.git('commit', '-qm', 'one');
  const first = r.git('rev-parse', 'HEAD');
  writeFileSync(join(r.dir, 'f'), '2');
  r.git('commit', '-qam', 'two');
  r.git('tag', '-a', 'v1', '-m', 'annotated');
  const second = r.git('rev-parse', 'HEAD');
  const loc = (await locateGit(r.dir))!;
  assert.equal(await resolveCommit(loc, 'main'), second);
  assert.equal(await resolveCommit(loc, 'HEAD~1'), first);
  assert.equal(await resolveCommit(loc, 'v1^'), first);
  assert.equal(await resolveCommit(loc, second.slice(0, 8)), second);
  await assert.rejects(resolveCommit(loc, 'nope'), (e: Error & { code?: string }) => e.code === 'SOURCE_UNKNOWN_REF');
  await assert.rejects(resolveCommit(loc, 'HEAD~5'), (e: Error & { code?: string }) => e.code === 'SOURCE_UNKNOWN_REF');
});

test('an unchanged folder keeps its tree id across commits and a changed one gets a new id', async (t) => {
  const r = repo();
  t.after(r.cleanup);
  mkdirSync(join(r.dir, 'a'));
  mkdirSync(join(r.dir, 'b'));
  writeFileSync(join(r.dir, 'a/x'), 'x');
  writeFileSync(join(r.dir, 'b/y'), 'y');
  r.git('add', '.');
  r.git('commit', '-qm', 'one');
  writeFileSync(join(r.dir, 'b/y'), 'y2');
  r.git('commit', '-qam', 'two');
  const loc = (await locateGit(r.dir))!;
  const one = await openRef(r.dir, 'HEAD~1', loc);
  const two = await openRef(r.dir, 'HEAD', loc);
  assert.equal(await one.treeOid('a'), await two.treeOid('a'));
  assert.notEqual(await one.treeOid('b'), await two.treeOid('b'));
  assert.equal(await two.treeOid('missing'), undefined);
  assert.deepEqual(await two.list('missing'), []);
});

test('symlinks are listed as symlinks in commits and working trees', async (t) => {
  const r = repo();
  t.after(r.cleanup);
  symlinkSync('/etc/passwd', join(r.dir, 'link'));
  r.git('add', '.');
  r.git('commit', '-qm', 'link');
  const loc = (await locateGit(r.dir))!;
  const committed = (await (await openRef(r.dir, 'HEAD', loc)).list('')).find((e) => e.name === 'link');
  const onDisk = (await worktreeReader(r.dir).list('')).find((e) => e.name === 'link');
  assert.equal(committed?.kind, 'symlink');
  assert.equal(onDisk?.kind, 'symlink');
  assert.equal(committed?.oid, onDisk?.oid);
});
