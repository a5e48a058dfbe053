// Compile-time checks of the two embedded languages: CEL conditions (`when=`, `filter`, `map`, `route`) are
// parsed with @marcbachmann/cel-js and never evaluated; cron schedules are parsed with croner's pattern
// parser, which starts no timer. Both parsers are pure and bound their own work (CEL has a nesting limit).
import { parse as parseCel } from '@marcbachmann/cel-js';
import { CronPattern } from 'croner';
import type { Bound } from './args.ts';
import type { ProblemSink } from './problem-sink.ts';

/** Longest CEL expression accepted; a condition is a line, not a program. */
export const MAX_CEL_LENGTH = 4096;

/** Reports DSL_BAD_CEL at the error's column inside the expression when it can be mapped back exactly
 * (a one-line string without escapes, or a bare word), else at the argument. True when the text parses. */
export function checkCel(text: string, at: Bound, what: string, sink: ProblemSink): boolean {
  if (text.length > MAX_CEL_LENGTH) {
    sink.add('DSL_BAD_CEL', `${what} is ${text.length} characters long; the limit is ${MAX_CEL_LENGTH}`, at.line, at.col, 'move the logic into a user step in steps/');
    return false;
  }
  try {
    parseCel(text);
    return true;
  } catch (e) {
    const err = e as { summary?: unknown; message?: unknown; range?: { start?: unknown } };
    const summary = typeof err.summary === 'string' ? err.summary : String(err.message ?? e).split('\n')[0];
    const offset = typeof err.range?.start === 'number' ? err.range.start : undefined;
    const { line, col } = celPosition(at, offset);
    sink.add('DSL_BAD_CEL', `${what} is not valid CEL: ${summary}`, line, col, 'CEL conditions read fields as `record.<field>`, e.g. "record.amount < 0.0"');
    return false;
  }
}

function celPosition(at: Bound, offset: number | undefined): { line: number; col: number } {
  const src = at.source;
  if (offset === undefined) return { line: src.line, col: src.col };
  if (src.kind === 'word') return { line: src.line, col: src.col + offset };
  if (src.kind === 'string' && !src.raw.includes('\\')) return { line: src.line, col: src.col + 1 + offset };
  return { line: src.line, col: src.col };
}

/** Standard 5-field cron (minute hour day-of-month month day-of-week), or croner's @nicknames (`@daily`). */
export function checkCron(text: string, at: Bound, sink: ProblemSink): string | undefined {
  const expr = text.trim().split(/\s+/).join(' ');
  const fields = expr.split(' ').length;
  if (!expr.startsWith('@') && fields !== 5) {
    sink.add('DSL_BAD_CRON', `schedule \`${text}\` has ${fields} field${fields === 1 ? '' : 's'}; cron needs 5 (minute hour day month weekday)`, at.source.line, at.source.col, 'e.g. "*/15 * * * *" for every 15 minutes');
    return undefined;
  }
  try {
    new CronPattern(expr);
    return expr;
  } catch (e) {
    const message = (e instanceof Error ? e.message : String(e)).replace(/^CronPattern:\s*/, '');
    sink.add('DSL_BAD_CRON', `schedule \`${text}\` is not a valid cron expression: ${message}`, at.source.line, at.source.col, 'fields are minute (0-59) hour (0-23) day (1-31) month (1-12) weekday (0-7)');
    return undefined;
  }
}
