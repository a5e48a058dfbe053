import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Inflights } from './inflights.ts';

test('an acknowledgement frees every message up to its index, in order, and their bytes', () => {
  const f = new Inflights(10, 0);
  for (let i = 1; i <= 5; i++) f.add(i * 10, i);
  f.freeLE(25);
  assert.equal(f.count(), 3);
  assert.equal(f.bytes(), 3 + 4 + 5);
  f.freeLE(25);
  assert.equal(f.count(), 3, 'an old acknowledgement frees nothing more');
  f.freeLE(50);
  assert.equal(f.count(), 0);
  assert.equal(f.bytes(), 0);
});

test('the window is full at maxMsgs messages or at maxBytes bytes', () => {
  const byCount = new Inflights(3, 0);
  byCount.add(1, 100);
  byCount.add(2, 100);
  assert.equal(byCount.full(), false);
  byCount.add(3, 100);
  assert.equal(byCount.full(), true);
  byCount.freeLE(1);
  assert.equal(byCount.full(), false);
  const byBytes = new Inflights(100, 250);
  byBytes.add(1, 100);
  byBytes.add(2, 100);
  assert.equal(byBytes.full(), false);
  byBytes.add(3, 100);
  assert.equal(byBytes.full(), true);
});

test('a long run of sends and acknowledgements keeps exact counts as the freed prefix is dropped', () => {
  const f = new Inflights(1000, 0);
  let next = 1;
  let acked = 0;
  let inFlight: number[] = [];
  for (let round = 0; round < 500; round++) {
    for (let k = 0; k < 1 + (round % 7); k++) {
      f.add(next, next % 13);
      inFlight.push(next++);
    }
    acked = Math.max(acked, next - 1 - (round % 5));
    f.freeLE(acked);
    inFlight = inFlight.filter((i) => i > acked);
    assert.equal(f.count(), inFlight.length);
    assert.equal(f.bytes(), inFlight.reduce((sum, i) => sum + (i % 13), 0));
  }
});

test('a clone is independent of the original', () => {
  const f = new Inflights(10, 0);
  f.add(1, 5);
  f.add(2, 5);
  f.freeLE(1);
  const c = f.clone();
  f.add(3, 5);
  c.freeLE(2);
  assert.equal(f.count(), 2);
  assert.equal(c.count(), 0);
  assert.equal(c.bytes(), 0);
  assert.equal(c.maxMsgs, 10);
});
