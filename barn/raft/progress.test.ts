import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Inflights } from './inflights.ts';
import { Progress } from './progress.ts';

const fresh = (next = 5, max = 3, maxBytes = 0): Progress => new Progress(next, new Inflights(max, maxBytes), false);

test('inflights fill up by message count or bytes and free everything up to an acknowledged index', () => {
  const inf = new Inflights(3, 10);
  inf.add(1, 2);
  inf.add(2, 2);
  assert.equal(inf.full(), false);
  inf.add(3, 2);
  assert.equal(inf.full(), true);
  inf.freeLE(2);
  assert.equal(inf.count(), 1);
  assert.equal(inf.bytes(), 2);
  inf.add(5, 9);
  assert.equal(inf.full(), true); // 11 bytes ≥ 10
  inf.freeLE(5);
  assert.equal(inf.count(), 0);
});

test('a probing follower gets one append per round trip', () => {
  const pr = fresh();
  assert.equal(pr.isPaused(), false);
  pr.sentEntries(2, 0, 6);
  assert.equal(pr.isPaused(), true);
  assert.equal(pr.next, 5); // probe does not advance optimistically
  assert.equal(pr.maybeUpdate(6), true);
  assert.equal(pr.isPaused(), false);
  assert.equal(pr.next, 7);
});

test('replicate state advances next optimistically and pauses when the window is full', () => {
  const pr = fresh(5, 2);
  pr.maybeUpdate(4);
  pr.becomeReplicate();
  pr.sentEntries(2, 0, 6);
  assert.equal(pr.next, 7);
  assert.equal(pr.isPaused(), false);
  pr.sentEntries(1, 0, 7);
  assert.equal(pr.isPaused(), true);
  pr.maybeUpdate(6);
  pr.inflights.freeLE(6);
  assert.equal(pr.isPaused(), false);
});

test('a rejection moves next back: to match + 1 in replicate, to the hint in probe; stale rejections are ignored', () => {
  const rep = fresh(5);
  rep.maybeUpdate(4);
  rep.becomeReplicate();
  rep.sentEntries(3, 0, 8);
  assert.equal(rep.maybeDecrTo(3, 0), false); // ≤ match: stale
  assert.equal(rep.maybeDecrTo(7, 0), true);
  assert.equal(rep.next, 5);

  const probe = fresh(10);
  assert.equal(probe.maybeDecrTo(5, 2), false); // not next - 1: stale
  assert.equal(probe.maybeDecrTo(9, 3), true);
  assert.equal(probe.next, 4);
});

test('leaving snapshot state resumes after the snapshot', () => {
  const pr = fresh(3);
  pr.becomeSnapshot(20);
  assert.equal(pr.isPaused(), true);
  pr.becomeProbe();
  assert.equal(pr.next, 21);
  assert.equal(pr.state, 'probe');
});
