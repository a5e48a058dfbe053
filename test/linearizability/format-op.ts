// One-line human forms of operations, for violation reasons and rendered reports.
//   op 7 [30, 40] client c2: read → 2
//   op 9 [35, ?) client c1: write 5 (outcome unknown)
import { isMissing } from './history.ts';
import type { Operation } from './history.ts';
import { valueText } from './value-text.ts';

/** What the op did and saw, e.g. `read → 2`, `cas 1→2 failed`, `delete → not found`. */
export function describeOp(op: Operation): string {
  const unknown = op.return === undefined || op.output === undefined;
  switch (op.kind) {
    case 'read':
      if (op.return === undefined || op.output === undefined) return 'read → ? (outcome unknown)';
      return `read → ${op.output.found ? valueText(op.output.value) : '(absent)'}`;
    case 'write':
      return `write ${valueText(op.input.value)}${unknown ? ' (outcome unknown)' : ''}`;
    case 'cas': {
      const expect = isMissing(op.input.expect) ? '(absent)' : valueText(op.input.expect);
      const outcome = op.return === undefined || op.output === undefined ? '(outcome unknown)' : op.output.ok ? 'ok' : 'failed';
      return `cas ${expect}→${valueText(op.input.value)} ${outcome}`;
    }
    case 'delete':
      if (op.return === undefined || op.output === undefined) return 'delete (outcome unknown)';
      return `delete → ${op.output.ok ? 'ok' : 'not found'}`;
  }
}

/** `[call, return]`, or `[call, ?)` when the outcome is unknown. */
export function formatInterval(op: Operation): string {
  return op.return === undefined ? `[${op.call}, ?)` : `[${op.call}, ${op.return}]`;
}

/** `op 7 [30, 40] client c2: read → 2`. */
export function formatOp(op: Operation): string {
  return `op ${op.id} ${formatInterval(op)} client ${op.client}: ${describeOp(op)}`;
}
