// The one place where outcomes become exit codes (DESIGN §7):
//   0 ok · 1 findings (invalid files, failed tests, breaking changes) · 2 usage · 3 unavailable.
import { isRuninkError } from '../common/error.ts';

export const EXIT = { ok: 0, findings: 1, usage: 2, unavailable: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Error codes that mean "you called it wrong" rather than "something is down". */
const USAGE_CODES = new Set(['CLI_USAGE', 'SOURCE_UNKNOWN_REF', 'SOURCE_NOT_GIT', 'CLI_NOT_FOUND', 'INIT_NOT_EMPTY', 'BARN_STORAGE_CLUSTER_MISMATCH', 'BARN_STORAGE_LOCKED']);

export function exitCodeFor(error: unknown): ExitCode {
  if (isRuninkError(error)) return USAGE_CODES.has(error.code) ? EXIT.usage : EXIT.unavailable;
  return EXIT.unavailable;
}
