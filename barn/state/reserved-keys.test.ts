import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MEMBERS_PREFIX } from '../node/member-book.ts';
import { RESERVED_PREFIX, reservedKeyError } from './reserved-keys.ts';

test('puts, deletes and txn writes under /barn/ are refused with BARN_RESERVED_KEY', () => {
  const refused = [
    { type: 'put', key: '/barn/members/n9', value: { url: 'http://evil' } },
    { type: 'delete', key: '/barn/members/n1' },
    { type: 'delete-range', prefix: '/barn/members/' },
    { type: 'delete-range', prefix: '/' },
    { type: 'delete-range', prefix: '/ba' },
    { type: 'txn', compare: [], success: [{ type: 'put', key: '/a', value: 1 }], failure: [{ type: 'delete', key: '/barn/x' }] },
  ] as const;
  for (const command of refused) assert.equal(reservedKeyError(command)?.code, 'BARN_RESERVED_KEY', JSON.stringify(command));
});

test('writes elsewhere, compares on reserved keys and compaction pass', () => {
  const allowed = [
    { type: 'put', key: '/barnyard', value: 1 },
    { type: 'put', key: '/runink/agents/a1', value: 1 },
    { type: 'delete-range', prefix: '/barnacle/' },
    { type: 'txn', compare: [{ key: '/barn/members/n1', target: 'exists' }], success: [{ type: 'put', key: '/a', value: 1 }], failure: [] },
    { type: 'compact', revision: 3 },
  ] as const;
  for (const command of allowed) assert.equal(reservedKeyError(command), undefined, JSON.stringify(command));
});

test('the member book lives under the reserved prefix', () => {
  assert.ok(MEMBERS_PREFIX.startsWith(RESERVED_PREFIX));
});
