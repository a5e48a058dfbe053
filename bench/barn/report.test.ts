import assert from 'node:assert/strict';
import { test } from 'node:test';
import { soakBounded } from './report.ts';
import type { SoakResult, SoakSample } from './soak.ts';

function soak(dirMb: readonly number[]): SoakResult {
  const samples: SoakSample[] = dirMb.map((mb, t) => ({ t, rssBytes: 0, rssAnonBytes: 0, rssFileBytes: 0, rssDataFileBytes: 0, load1: 0, dirApparentBytes: mb * 1e6, dirAllocatedBytes: mb * 1e6, revision: t }));
  return { samples } as unknown as SoakResult;
}

test('a sawtooth whose only sampled snapshot spike falls in the last third is bounded', () => {
  const teeth = Array.from({ length: 20 }, () => [67, 70, 74, 78, 81, 85]).flat();
  teeth[8] = 98; // a spike early on (the dir fills up before it)
  teeth[30] = 96; // and one sampled before the last third
  teeth[100] = 100; // and one in the last third
  assert.equal(soakBounded(soak([3, 14, 27, 40, ...teeth])).bounded, true);
});

test('the stop-12 soak (a sawtooth whose last third sampled a spike 19% above every earlier sample) is bounded', () => {
  const dir = [4.2, 30, 52, 64.3, 61.2, 54.8, 69.0, 67.3, 61.9, 73.6, 74.4, 62, 58, 67.0, 73.6, 66.3, 88.5, 58.8, 67.6];
  const verdict = soakBounded(soak(dir));
  assert.ok(verdict.lastThirdMax > verdict.earlierMax * 1.1, 'the maxima alone would say growing');
  assert.equal(verdict.bounded, true);
});

test('a data dir that grows by two fifths over the run, under a sawtooth, is not bounded', () => {
  const teeth = Array.from({ length: 20 }, (_, k) => [60, 65, 70, 75, 80, 85].map((x) => x * (1 + (0.4 * k) / 20))).flat();
  assert.equal(soakBounded(soak(teeth)).bounded, false);
});

test('a data dir that keeps growing is not bounded', () => {
  assert.equal(soakBounded(soak(Array.from({ length: 120 }, (_, t) => 20 + t))).bounded, false);
});
