// A Problem is a finding about user input: a stable code, a message that says what to do, and where.
// Problems are data: modules return lists of them (every problem, not just the first) and never throw
// for invalid input. Positions are 1-based; `line`/`col` are absent when the finding has no place.

export type Severity = 'error' | 'warning';

export interface Problem {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  readonly col?: number;
  /** What the user should do, e.g. "did you mean `orders`?" */
  readonly hint?: string;
}

export interface Position {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export function problem(
  code: string,
  message: string,
  at?: Partial<Position>,
  extra: { severity?: Severity; hint?: string } = {},
): Problem {
  const p: { -readonly [K in keyof Problem]: Problem[K] } = { code, severity: extra.severity ?? 'error', message };
  if (at?.file !== undefined) p.file = at.file;
  if (at?.line !== undefined) p.line = at.line;
  if (at?.col !== undefined) p.col = at.col;
  if (extra.hint !== undefined) p.hint = extra.hint;
  return p;
}

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

/** Stable order: by file, line, column, then code — so output and golden files never depend on discovery order. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) =>
      (a.file ?? '').localeCompare(b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.col ?? 0) - (b.col ?? 0) ||
      a.code.localeCompare(b.code) ||
      a.message.localeCompare(b.message),
  );
}

/** `file:line:col: error CODE: message (hint)` — the one-line form used by the CLI and golden files. */
export function formatProblem(p: Problem): string {
  const where = p.file === undefined ? '' : `${p.file}${p.line === undefined ? '' : `:${p.line}${p.col === undefined ? '' : `:${p.col}`}`}: `;
  const hint = p.hint === undefined ? '' : ` (${p.hint})`;
  return `${where}${p.severity} ${p.code}: ${p.message}${hint}`;
}
