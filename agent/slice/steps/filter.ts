// filter(expr): keeps the records for which the CEL expression is true; an evaluation error (a missing field,
// a non-bool result) rejects the record with the message.
import { compileCondition } from './cel.ts';
import { perRecord, type StepRuntime } from './step.ts';

export function filterStep(id: string, expr: string): StepRuntime {
  const keep = compileCondition(expr, `filter ${JSON.stringify(expr)}`);
  return perRecord(id, (r) => (keep(r) ? r : null));
}
