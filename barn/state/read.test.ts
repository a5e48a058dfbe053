import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEntry } from './apply.ts';
import type { Command } from './commands.ts';
import { encodeCommand } from './commands.ts';
import { MemoryBackend } from './memory-backend.ts';
import type { RangeResult } from './read.ts';
import { get, range } from './read.ts';

function store(commands: Command[]): MemoryBackend {
  const b = new MemoryBackend();
  commands.forEach((c, i) => b.write((w) => applyEntry(w, i + 1, encodeCommand(c))));
  return b;
}

const keysOf = (r: RangeResult): string[] | string => (r.ok ? r.records.map((x) => x.key) : r.code);
const b = store(['/a', '/a/1', '/a/2', '/a/3', '/ab', '/b'].map((key) => ({ type: 'put', key, value: key })));

test('get returns the record with the store revision, or undefined for a missing key', () => {
  assert.deepEqual(get(b, '/a/2'), { record: { key: '/a/2', value: '/a/2', createRevision: 3, modRevision: 3, version: 1 }, revision: 6 });
  assert.deepEqual(get(b, '/zz'), { record: undefined, revision: 6 });
});

test('a prefix range lists exactly the keys under the prefix, and an empty prefix lists everything', () => {
  assert.deepEqual(keysOf(range(b, { prefix: '/a/' })), ['/a/1', '/a/2', '/a/3']);
  assert.deepEqual(keysOf(range(b, { prefix: '/a' })), ['/a', '/a/1', '/a/2', '/a/3', '/ab']);
  assert.deepEqual(keysOf(range(b, { prefix: '' })), ['/a', '/a/1', '/a/2', '/a/3', '/ab', '/b']);
  assert.deepEqual(keysOf(range(b, { start: '/a/2', end: '/b' })), ['/a/2', '/a/3', '/ab']);
  assert.deepEqual(keysOf(range(b, { start: '/ab' })), ['/ab', '/b']);
});

test('paging with limit and next visits every key once, at one revision', () => {
  const seen: string[] = [];
  let query: { start: string; limit: number; revision?: number } = { start: '/', limit: 2 };
  for (;;) {
    const page = range(b, query);
    assert.ok(page.ok);
    seen.push(...page.records.map((r) => r.key));
    if (!page.more) break;
    assert.equal(page.records.length, 2);
    query = { start: page.next!, limit: 2, revision: page.revision };
  }
  assert.deepEqual(seen, ['/a', '/a/1', '/a/2', '/a/3', '/ab', '/b']);
  const exact = range(b, { prefix: '/a/', limit: 3 });
  assert.equal(exact.ok && exact.more, false, 'a page that ends exactly at the last key has no more');
});

test('bad range queries are errors as data', () => {
  assert.equal(keysOf(range(b, {})), 'BARN_INVALID_RANGE');
  assert.equal(keysOf(range(b, { prefix: '/a', start: '/a' })), 'BARN_INVALID_RANGE');
  assert.equal(keysOf(range(b, { prefix: '/a', limit: -1 })), 'BARN_INVALID_RANGE');
  assert.equal(keysOf(range(b, { prefix: '/a', limit: 1.5 })), 'BARN_INVALID_RANGE');
});

test('reads are served at the latest revision only: older revisions and future ones are refused', () => {
  const s = store([
    { type: 'put', key: '/a', value: 1 },
    { type: 'put', key: '/a', value: 2 },
    { type: 'put', key: '/a', value: 3 },
    { type: 'compact', revision: 2 },
  ]);
  assert.deepEqual(keysOf(range(s, { prefix: '', revision: 3 })), ['/a']);
  assert.equal(keysOf(range(s, { prefix: '', revision: 4 })), 'BARN_FUTURE_REVISION');
  assert.equal(keysOf(range(s, { prefix: '', revision: 2 })), 'BARN_REVISION_UNAVAILABLE');
  const compacted = range(s, { prefix: '', revision: 1 });
  assert.deepEqual(!compacted.ok && [compacted.code, compacted.compactedRevision], ['BARN_COMPACTED', 2]);
});
