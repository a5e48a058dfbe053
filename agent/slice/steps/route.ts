// route(expr, to): records matching the CEL expression go to sink `to` only (and nowhere else); the rest go on
// to whatever reads this step. An evaluation error rejects the record.
import type { Rec, Rejected } from '../types.ts';
import { compileCondition } from './cel.ts';
import type { StepRuntime } from './step.ts';

export function routeStep(id: string, expr: string, to: string): StepRuntime {
  const match = compileCondition(expr, `route ${JSON.stringify(expr)}`);
  return {
    id,
    process(records) {
      const out: Rec[] = [];
      const routed: Rec[] = [];
      const rejects: Rejected[] = [];
      for (const r of records) {
        try {
          (match(r) ? routed : out).push(r);
        } catch (e) {
          rejects.push({ record: r, step: id, reason: e instanceof Error ? e.message : String(e) });
        }
      }
      return { out, rejects, routed: new Map([[to, routed]]) };
    },
  };
}
