import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_UNWRITTEN } from '../storage/lmdb-store.ts';
import { EARLY_WAITING, EARLY_WRITE_BACK, FEW_WAITING, SOLO_WRITE_BACK, SOLO_WRITE_BACK_FEW, WaitingPeak, earlyWriteBack, writeBackLimit } from './write-back-limit.ts';

test('a member with peers keeps the store default whatever waits on it', () => {
  for (const waiting of [0, 1, 64]) assert.equal(writeBackLimit(3, waiting), MAX_UNWRITTEN);
  assert.equal(writeBackLimit(2, 0), MAX_UNWRITTEN);
});

test('a lone member writes back in smaller batches while only a few writes wait on it', () => {
  assert.equal(writeBackLimit(1, 0), SOLO_WRITE_BACK_FEW);
  assert.equal(writeBackLimit(1, FEW_WAITING), SOLO_WRITE_BACK_FEW);
  assert.equal(writeBackLimit(1, FEW_WAITING + 1), SOLO_WRITE_BACK);
  assert.equal(writeBackLimit(1, 256), SOLO_WRITE_BACK);
  assert.ok(SOLO_WRITE_BACK_FEW < SOLO_WRITE_BACK && SOLO_WRITE_BACK < MAX_UNWRITTEN);
});

test('a tick writes back early only with enough unwritten and few writes waiting', () => {
  assert.equal(earlyWriteBack(EARLY_WRITE_BACK - 1, 0), false);
  assert.equal(earlyWriteBack(EARLY_WRITE_BACK, 0), true);
  assert.equal(earlyWriteBack(EARLY_WRITE_BACK, EARLY_WAITING), true);
  assert.equal(earlyWriteBack(10 * EARLY_WRITE_BACK, EARLY_WAITING + 1), false, 'many in flight: the 100 ms batch');
});

test('the waiting peak remembers the most writes that waited over the last one or two ticks', () => {
  const peak = new WaitingPeak();
  assert.equal(peak.recent, 0);
  peak.note(5);
  peak.note(3);
  assert.equal(peak.recent, 5, 'the most at once, not the last');
  peak.tick(1);
  assert.equal(peak.recent, 5, 'still counted in the tick after');
  peak.tick(2);
  assert.equal(peak.recent, 2, 'forgotten two ticks later; what waited at the tick counts');
});
