import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileUrl } from './job-facets.ts';

test('the pipeline file URL is a blob URL at the commit for https and scp-style remotes', () => {
  assert.equal(fileUrl('https://github.com/acme/data.git', 'abc', 'pipelines/a b.dsl'), 'https://github.com/acme/data/blob/abc/pipelines/a%20b.dsl');
  assert.equal(fileUrl('https://gitea.example.com/acme/data/', 'abc', 'pipelines/x.dsl'), 'https://gitea.example.com/acme/data/blob/abc/pipelines/x.dsl');
  assert.equal(fileUrl('git@github.com:acme/data.git', 'abc', 'pipelines/x.dsl'), 'https://github.com/acme/data/blob/abc/pipelines/x.dsl');
});

test('a local repository folder gives a file URL', () => {
  assert.equal(fileUrl('/home/me/shop data', 'worktree:1', 'pipelines/x.dsl'), 'file:///home/me/shop%20data/pipelines/x.dsl');
  assert.equal(fileUrl('file:///srv/repo/', 'c', 'pipelines/x.dsl'), 'file:///srv/repo/pipelines/x.dsl');
});
