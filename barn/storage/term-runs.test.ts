import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRng } from '../../common/rng.ts';
import { isRuninkError } from '../../common/error.ts';
import { appendRuns, buildRuns, dropRunsBefore, termAt, truncateRuns } from './term-runs.ts';

function randomTerms(seed: number, n: number): number[] {
  const rng = seededRng(seed);
  const terms: number[] = [];
  let t = 1 + rng.int(3);
  for (let i = 0; i < n; i++) {
    if (rng.int(10) === 0) t += 1 + rng.int(3);
    terms.push(t);
  }
  return terms;
}

test('bisection rebuilds the same runs as appending every entry', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const terms = randomTerms(seed, 500);
    const first = 41;
    const appended = appendRuns([], terms.map((term, k) => ({ index: first + k, term })));
    let lookups = 0;
    const built = buildRuns(first, first + terms.length - 1, (i) => {
      lookups++;
      return terms[i - first] as number;
    });
    assert.deepEqual(built, appended);
    for (let k = 0; k < terms.length; k++) assert.equal(termAt(built, first + k), terms[k]);
    assert.ok(lookups < terms.length, `bisection used ${lookups} lookups for ${terms.length} entries`);
  }
});

test('truncating and dropping a prefix keep the terms of the remaining entries', () => {
  const runs = appendRuns([], [1, 1, 2, 2, 2, 5, 5, 7].map((term, k) => ({ index: 10 + k, term })));
  assert.deepEqual(truncateRuns(runs, 13), [
    { start: 10, term: 1 },
    { start: 12, term: 2 },
  ]);
  const dropped = dropRunsBefore(runs, 13);
  assert.deepEqual(dropped, [
    { start: 13, term: 2 },
    { start: 15, term: 5 },
    { start: 17, term: 7 },
  ]);
  assert.equal(termAt(dropped, 12), undefined);
  assert.equal(termAt(dropped, 16), 5);
});

test('a decreasing term is rejected when appending, and reported as corruption when rebuilding samples it', () => {
  assert.throws(
    () => appendRuns([{ start: 1, term: 4 }], [{ index: 2, term: 3 }]),
    (e) => isRuninkError(e, 'BARN_STORAGE_TERM_REGRESSION'),
  );
  const terms = [1, 3, 2];
  assert.throws(
    () => buildRuns(1, 3, (i) => terms[i - 1] as number),
    (e) => isRuninkError(e, 'BARN_STORAGE_CORRUPT'),
  );
});
