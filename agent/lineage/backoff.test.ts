import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRng } from '../../common/rng.ts';
import { backoffDelay, isRetryableStatus, parseRetryAfter } from './backoff.ts';

const policy = { initialMs: 100, maxMs: 1000, factor: 2 };

test('the delay doubles per attempt and stops at the cap', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 9].map((a) => backoffDelay(a, policy)), [100, 200, 400, 800, 1000, 1000]);
});

test('jitter keeps each delay between half and all of the exponential delay, reproducibly per seed', () => {
  const a = [1, 2, 3, 4].map((n) => backoffDelay(n, policy, seededRng(7)));
  const b = [1, 2, 3, 4].map((n) => backoffDelay(n, policy, seededRng(7)));
  assert.deepEqual(a, b);
  a.forEach((d, i) => {
    const full = Math.min(1000, 100 * 2 ** i);
    assert.ok(d >= full / 2 && d <= full, `${d} within [${full / 2}, ${full}]`);
  });
});

test("a server's Retry-After raises the delay but never past the cap", () => {
  assert.equal(backoffDelay(1, policy, undefined, 700), 700);
  assert.equal(backoffDelay(1, policy, undefined, 5000), 1000);
  assert.equal(backoffDelay(4, policy, undefined, 10), 800);
});

test('Retry-After is read as seconds or as an HTTP date', () => {
  assert.equal(parseRetryAfter('3', 0), 3000);
  assert.equal(parseRetryAfter('Thu, 01 Jan 1970 00:00:10 GMT', 4000), 6000);
  assert.equal(parseRetryAfter('soon', 0), undefined);
  assert.equal(parseRetryAfter(undefined, 0), undefined);
});

test('5xx, 408 and 429 are retried; other 4xx are not', () => {
  assert.deepEqual([500, 503, 408, 429, 400, 404, 422].map(isRetryableStatus), [true, true, true, true, false, false, false]);
});
