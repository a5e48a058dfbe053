import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigurationMemo, LinearizedSet } from './linearized-memo.ts';

function sets(knownOps: number[], unknownOps: number[]): [LinearizedSet, LinearizedSet] {
  const known = new LinearizedSet(200);
  const unknown = new LinearizedSet(40);
  for (const i of knownOps) known.set(i);
  for (const i of unknownOps) unknown.set(i);
  return [known, unknown];
}

const FIRST_100 = Array.from({ length: 100 }, (_, i) => i);

test('a configuration recorded once is covered when met again, in any state only its own', () => {
  const memo = new ConfigurationMemo();
  const [k, u] = sets([...FIRST_100, 150], [3]);
  assert.equal(memo.covers(k, u, 's'), false);
  memo.record(k, u, 's');
  assert.equal(memo.covers(...sets([150, ...FIRST_100], [3]), 's'), true);
  assert.equal(memo.covers(k, u, 't'), false);
  assert.equal(memo.covers(...sets([...FIRST_100, 151], [3]), 's'), false);
  assert.equal(memo.covers(...sets(FIRST_100, [3]), 's'), false);
});

test('a closed configuration covers the same one with more unknown ops linearized, an open one does not', () => {
  const memo = new ConfigurationMemo();
  const entry = memo.record(...sets([1, 2], [5]), 's');
  assert.equal(memo.covers(...sets([1, 2], [5, 7]), 's'), false);
  memo.close(entry);
  assert.equal(memo.covers(...sets([1, 2], [5, 7]), 's'), true);
  assert.equal(memo.covers(...sets([1, 2], [7]), 's'), false);
  assert.equal(memo.covers(...sets([1, 2, 3], [5, 7]), 's'), false);
});

test('clearing bits restores the set hash, so equal sets meet in the same bucket', () => {
  const a = new LinearizedSet(64);
  a.set(3);
  a.set(40);
  const h = a.hash;
  a.set(9);
  a.clear(9);
  assert.equal(a.hash, h);
  assert.deepEqual([...a.words], [1 << 3, 1 << 8]);
});
