// Collects problems for one file, up to a cap. A file of garbage can produce a problem per character; past
// the cap the lexer stops and one DSL_TOO_MANY_PROBLEMS says so, which keeps memory and output bounded.
import { problem, type Problem, type Severity } from '../../common/problem.ts';

export const MAX_PROBLEMS_PER_FILE = 200;

export interface ProblemSink {
  readonly file: string;
  add(code: string, message: string, line: number, col: number, hint?: string, severity?: Severity): void;
  /** True once the cap is reached: callers stop examining the file. */
  full(): boolean;
  /** The problems, plus the DSL_TOO_MANY_PROBLEMS marker when some were dropped. */
  result(): Problem[];
}

export function problemSink(file: string, max = MAX_PROBLEMS_PER_FILE): ProblemSink {
  const list: Problem[] = [];
  let dropped = 0;
  return {
    file,
    add(code, message, line, col, hint, severity = 'error') {
      if (list.length >= max) {
        dropped++;
        return;
      }
      list.push(problem(code, message, { file, line, col }, hint === undefined ? { severity } : { severity, hint }));
    },
    full: () => list.length >= max,
    result() {
      if (list.length < max && dropped === 0) return [...list];
      const last = list[list.length - 1];
      return [
        ...list,
        problem(
          'DSL_TOO_MANY_PROBLEMS',
          `stopped after ${max} problems; the rest of the file was not examined`,
          { file, line: last?.line ?? 1, col: last?.col ?? 1 },
          { hint: 'fix the problems above (is this really a Runink pipeline file?)' },
        ),
      ];
    },
  };
}
