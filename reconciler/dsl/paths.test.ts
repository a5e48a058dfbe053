import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeRelative, uriStem } from './paths.ts';

test('relative paths are normalised and .. that stays inside the root is allowed', () => {
  assert.deepEqual(normalizeRelative('landing/./x/../orders.ndjson'), { ok: true, path: 'landing/orders.ndjson' });
  assert.deepEqual(normalizeRelative('landing//orders/'), { ok: true, path: 'landing/orders/' });
});

test('absolute paths, drive letters and escaping .. (also with backslashes) are refused', () => {
  for (const p of ['/etc/passwd', '\\\\server\\share', 'C:/data', '~/x']) assert.deepEqual(normalizeRelative(p), { ok: false, reason: 'absolute' }, p);
  for (const p of ['..', 'a/../../b', 'a\\..\\..\\b']) assert.deepEqual(normalizeRelative(p), { ok: false, reason: 'escape' }, p);
  assert.deepEqual(normalizeRelative('a/..'), { ok: false, reason: 'empty' });
});

test('a URI stem skips glob segments and file extensions and is sanitised', () => {
  const file = (path: string) => uriStem({ scheme: 'file', uri: `file://${path}`, path });
  assert.equal(file('landing/orders/*.ndjson'), 'orders');
  assert.equal(file('landing/Orders v2.csv'), 'orders-v2');
  assert.equal(file('landing/orders/'), 'orders');
  assert.equal(file('a/b.tar.gz'), 'b-tar');
  assert.equal(uriStem({ scheme: 'stdin', uri: 'stdin:' }), 'stdin');
});
