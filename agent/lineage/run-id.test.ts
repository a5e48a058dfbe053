import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../common/clock.ts';
import { seededRng } from '../../common/rng.ts';
import { runIdFactory, uuidV7 } from './run-id.ts';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('a run id is a version 7 UUID whose first 48 bits are the millisecond time', () => {
  const id = uuidV7(Date.UTC(2026, 10, 29), seededRng(1));
  assert.match(id, UUID_V7);
  assert.equal(parseInt(id.replace(/-/g, '').slice(0, 12), 16), Date.UTC(2026, 10, 29));
});

test('run ids sort by time and are reproducible for a seed', () => {
  const clock = new ManualClock(1_700_000_000_000);
  const next = runIdFactory(clock, seededRng(42));
  const a = next();
  clock.advance(1);
  const b = next();
  assert.ok(a < b);
  assert.equal(runIdFactory(new ManualClock(1_700_000_000_000), seededRng(42))(), a);
});
