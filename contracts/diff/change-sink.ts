// What the diff walkers emit: a change plus the raw document path it came from, so the entry point can
// attach line/col with the caller's locator (new file for most changes, old file for removals).
import type { ChangeImpact } from '../contract-change.ts';
import type { RawPath } from './contract-view.ts';

export interface FoundChange {
  readonly code: string;
  readonly impact: ChangeImpact;
  readonly path: string;
  readonly message: string;
  readonly before?: unknown;
  readonly after?: unknown;
  /** Where the change sits, and in which version of the file. */
  readonly raw: RawPath;
  readonly side: 'before' | 'after';
}

export type Emit = (change: FoundChange) => void;

/** Short, single-line text of a value for messages: strings quoted, long values cut. */
export function show(v: unknown): string {
  if (v === undefined) return '(none)';
  const text = typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
