import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRuninkError } from '../../common/error.ts';
import type { DomainKey } from './domain-keys.ts';
import { APPLIED_COMMIT_KEY, domainKey, domainPrefix, parseDomainKey } from './domain-keys.ts';
import { inRange, prefixEnd } from './key-order.ts';

const examples: Array<[DomainKey, string]> = [
  [{ kind: 'applied-commit' }, '/runink/applied-commit'],
  [{ kind: 'pipeline', pipeline: 'orders' }, '/runink/pipelines/orders'],
  [{ kind: 'placement', agent: 'n1', scenario: 'orders/ingest-raw-orders' }, '/runink/placements/n1/orders/ingest-raw-orders'],
  [{ kind: 'agent', agent: 'worker-7' }, '/runink/agents/worker-7'],
  [{ kind: 'run', scenario: 'orders/ingest', run: 'r-01J9' }, '/runink/runs/orders/ingest/r-01J9'],
  [{ kind: 'lineage', run: 'r-01J9', seq: 42 }, '/runink/lineage/r-01J9/0000000042'],
  [{ kind: 'verdict', commit: '9fceb02d0ae598e95dc970b74767f19372d61af8' }, '/runink/verdicts/9fceb02d0ae598e95dc970b74767f19372d61af8'],
  [{ kind: 'secret', herd: 'retail', name: 'db-password' }, '/runink/secrets/retail/db-password'],
];

test('every domain key builds to its documented form and parses back to the same object', () => {
  for (const [k, key] of examples) {
    assert.equal(domainKey(k), key);
    assert.deepEqual(parseDomainKey(key), k);
  }
  assert.equal(domainKey({ kind: 'applied-commit' }), APPLIED_COMMIT_KEY);
});

test('keys outside the domain or with the wrong shape do not parse', () => {
  for (const key of ['/other/x', '/runink/pipelines/', '/runink/pipelines/a/b', '/runink/agents/a//b', '/runink/secrets/retail', '/runink/lineage/r/42', '/runink/lineage/r/00000000x2', '/runink/runs/only', '/runink/placements/n1', '/runink/agents/..']) {
    assert.equal(parseDomainKey(key), undefined, key);
  }
});

test('lineage sequence numbers sort numerically in key order', () => {
  const keys = [2, 10, 1, 9999].map((seq) => domainKey({ kind: 'lineage', run: 'r', seq }));
  assert.deepEqual([...keys].sort(), [1, 2, 10, 9999].map((seq) => domainKey({ kind: 'lineage', run: 'r', seq })));
});

test('listing prefixes cover their objects and never a longer sibling', () => {
  const p = domainPrefix.placementsOf('a1');
  const inside = (key: string): boolean => inRange(key, p, prefixEnd(p));
  assert.equal(inside(domainKey({ kind: 'placement', agent: 'a1', scenario: 'x/y' })), true);
  assert.equal(inside(domainKey({ kind: 'placement', agent: 'a10', scenario: 'x/y' })), false);
  assert.equal(domainPrefix.runsOf('orders/ingest'), '/runink/runs/orders/ingest/');
  assert.equal(domainPrefix.lineageOf('r1'), '/runink/lineage/r1/');
  assert.equal(domainPrefix.secretsOf('retail'), '/runink/secrets/retail/');
});

test('invalid parts are refused with BARN_INVALID_KEY', () => {
  const bad: DomainKey[] = [
    { kind: 'pipeline', pipeline: '' },
    { kind: 'agent', agent: 'a/b' },
    { kind: 'secret', herd: 'retail', name: 'x\ny' },
    { kind: 'placement', agent: 'n1', scenario: 'orders//x' },
    { kind: 'lineage', run: 'r', seq: -1 },
    { kind: 'lineage', run: 'r', seq: 1.5 },
    { kind: 'verdict', commit: '..' },
  ];
  for (const k of bad) assert.throws(() => domainKey(k), (e: unknown) => isRuninkError(e, 'BARN_INVALID_KEY'), JSON.stringify(k));
});
