// The in-memory term index of the log: terms as runs (start index, term). Entry i has the term of the last run
// whose start ≤ i. A Raft log's terms never decrease along the index, so any log is a handful of runs (one
// per leader term that wrote entries): term(i) and the log's shape never touch disk. Pure and immutable:
// every operation returns a new array, so a failed write transaction can simply drop it.
import { STORAGE_ERRORS, storageError } from './errors.ts';

export interface TermRun {
  readonly start: number;
  readonly term: number;
}

export type TermRuns = readonly TermRun[];

/** Term of entry i, or undefined when i precedes the first run. The caller checks i ≤ lastIndex. */
export function termAt(runs: TermRuns, i: number): number | undefined {
  let lo = 0;
  let hi = runs.length - 1;
  let found: TermRun | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const run = runs[mid] as TermRun;
    if (run.start <= i) {
      found = run;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found?.term;
}

/** Runs for the entries before `fromIndex` (the suffix from fromIndex on is removed). */
export function truncateRuns(runs: TermRuns, fromIndex: number): TermRuns {
  return runs.filter((r) => r.start < fromIndex);
}

/** Runs for the entries from `index` on (the prefix before index is removed). */
export function dropRunsBefore(runs: TermRuns, index: number): TermRuns {
  const out: TermRun[] = [];
  for (let k = 0; k < runs.length; k++) {
    const run = runs[k] as TermRun;
    const next = runs[k + 1];
    if (next !== undefined && next.start <= index) continue;
    out.push(run.start < index ? { start: index, term: run.term } : run);
  }
  return out;
}

/** Runs after appending contiguous entries right after the last run's entries. Throws TERM_REGRESSION when
 * an entry's term is lower than the term before it. */
export function appendRuns(runs: TermRuns, entries: readonly { readonly index: number; readonly term: number }[]): TermRuns {
  const out = runs.slice();
  let last = out[out.length - 1]?.term;
  for (const e of entries) {
    if (last !== undefined && e.term < last) {
      throw storageError(
        STORAGE_ERRORS.TERM_REGRESSION,
        `entry ${e.index} has term ${e.term}, lower than the term ${last} before it`,
        { index: e.index, term: e.term, previousTerm: last },
      );
    }
    if (e.term !== last) out.push({ start: e.index, term: e.term });
    last = e.term;
  }
  return out;
}

/** Rebuilds the runs of entries lo..hi (inclusive) from a term lookup by bisection: O(runs × log n) lookups
 * instead of a full scan, valid because terms never decrease. Throws CORRUPT when they do. */
export function buildRuns(lo: number, hi: number, termOf: (i: number) => number): TermRuns {
  if (hi < lo) return [];
  const tlo = termOf(lo);
  const out: TermRun[] = [{ start: lo, term: tlo }];
  const walk = (a: number, ta: number, b: number, tb: number): void => {
    if (tb < ta) {
      throw storageError(STORAGE_ERRORS.CORRUPT, `log terms decrease between entries ${a} and ${b}`, { from: a, to: b });
    }
    if (ta === tb) return;
    if (b - a === 1) {
      out.push({ start: b, term: tb });
      return;
    }
    const mid = a + Math.floor((b - a) / 2);
    const tm = termOf(mid);
    walk(a, ta, mid, tm);
    walk(mid, tm, b, tb);
  };
  walk(lo, tlo, hi, termOf(hi));
  return out;
}
