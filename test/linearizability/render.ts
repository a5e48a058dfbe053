// A readable explanation of a linearizability violation, for test failure messages: the reason, the end of
// the longest valid order, the state it leaves, and the operations around the failure point in time order
// with a timeline, e.g.
//
//   linearizability violation (model cas-register):
//   key "x" is not linearizable: <reason>
//   longest valid order (3 of 4 ops), last 3:
//     1. op 1 [0, 10] client a: write 1
//     ...
//   state after it: 2
//   around the failure point (#n = n-th in that order, ✗ = impossible next, ? = possible next, dead end):
//     #2  op 2 [11, 20] client b: read → 1     |   ███              |
//     ✗   op 4 [31, 40] client b: read → 1     |            ███     |
import type { Operation } from './history.ts';
import type { Violation } from './check.ts';
import { formatOp } from './format-op.ts';

export interface RenderOptions {
  /** How many ops from the end of the longest valid order to list, and to add to the window. Default 5. */
  readonly context?: number;
  /** Timeline width in characters. Default 32. */
  readonly width?: number;
  /** Most window lines shown. Default 40. */
  readonly maxLines?: number;
}

export function renderViolation(v: Violation, options: RenderOptions = {}): string {
  const context = options.context ?? 5;
  const lines = [`linearizability violation (model ${v.model}):`, v.reason];
  const tail = v.longestPrefix.slice(-context);
  const first = v.longestPrefix.length - tail.length;
  lines.push(`longest valid order (${v.longestPrefix.length} of ${v.keyHistory.length} ops)${tail.length > 0 ? `, last ${tail.length}:` : ': empty'}`);
  tail.forEach((op, i) => lines.push(`  ${first + i + 1}. ${formatOp(op)}`));
  lines.push(`state after it: ${v.stateAfterPrefix}`);
  lines.push('around the failure point (#n = n-th in that order, ✗ = impossible next, ? = possible next, dead end):');
  lines.push(...renderWindow(v, tail, options));
  return lines.join('\n');
}

function renderWindow(v: Violation, tail: readonly Operation[], options: RenderOptions): string[] {
  const ops = windowOps(v, tail);
  const shown = ops.slice(0, options.maxLines ?? 40);
  const marks = markOf(v);
  const texts = shown.map((op) => `${(marks.get(op.id) ?? '').padEnd(5)} ${formatOp(op)}`);
  const textWidth = Math.max(0, ...texts.map((t) => t.length));
  const scale = timeScale(shown, options.width ?? 32);
  const out = shown.map((op, i) => `  ${(texts[i] as string).padEnd(textWidth)}  |${bar(op, scale)}|`);
  if (ops.length > shown.length) out.push(`  … ${ops.length - shown.length} more`);
  return out;
}

/** Pending ops, ops overlapping the pending ones' span up to the deadline, and the tail of the valid order. */
function windowOps(v: Violation, tail: readonly Operation[]): Operation[] {
  const pending = v.pending.map((p) => p.op);
  if (pending.length === 0) return [...tail];
  const from = Math.min(...pending.map((op) => op.call));
  const known = pending.filter((op) => op.return !== undefined).map((op) => op.return as number);
  const to = known.length > 0 ? Math.min(...known) : Math.max(...pending.map((op) => op.call));
  const chosen = new Set<Operation>([...tail, ...pending]);
  for (const op of v.keyHistory) if (op.call <= to && (op.return ?? Number.POSITIVE_INFINITY) >= from) chosen.add(op);
  return [...chosen].sort((a, b) => a.call - b.call || a.id - b.id);
}

function markOf(v: Violation): Map<number, string> {
  const marks = new Map<number, string>();
  v.longestPrefix.forEach((op, i) => marks.set(op.id, `#${i + 1}`));
  for (const p of v.pending) marks.set(p.op.id, p.refused ? '✗' : '?');
  return marks;
}

interface Scale {
  readonly start: number;
  readonly span: number;
  readonly width: number;
}

function timeScale(ops: readonly Operation[], width: number): Scale {
  const start = Math.min(...ops.map((op) => op.call));
  const end = Math.max(...ops.map((op) => op.return ?? op.call));
  return { start, span: Math.max(end - start, 1), width };
}

/** The op's interval on the timeline; an unknown outcome runs off the right edge as `…`. */
function bar(op: Operation, s: Scale): string {
  const col = (t: number): number => Math.min(s.width - 1, Math.floor(((t - s.start) / s.span) * (s.width - 1)));
  const from = col(op.call);
  const to = op.return === undefined ? s.width - 1 : col(op.return);
  const fill = op.return === undefined ? '░' : '█';
  return ' '.repeat(from) + fill.repeat(to - from + 1) + ' '.repeat(s.width - 1 - to);
}
