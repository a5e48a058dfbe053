// A running step: created once per run from its StepSpec, then fed chunks in order. Contract:
// - `process` gets each chunk once, in order, and returns what goes on (`out`), what is rejected (`rejects`,
//   each with the reason) and, for `route`, what goes to one sink only (`routed`). It must not keep the input
//   array (the runtime may reuse it) but may return the same record objects;
// - `flush` is called once after every upstream node ended (batch steps emit their output there);
// - built-in steps are synchronous and pure; user steps may return a promise.
import type { QualityReport, Rec, StepOutput } from '../types.ts';

export interface StepRuntime {
  readonly id: string;
  process(records: Rec[]): StepOutput | Promise<StepOutput>;
  flush?(): StepOutput | Promise<StepOutput>;
  /** Quality measured so far (validate steps). */
  quality?(): QualityReport;
}

export const EMPTY_OUTPUT: StepOutput = Object.freeze({ out: [], rejects: [] }) as StepOutput;

/** Runs `fn` per record; a throw rejects that record with the error's message (pure built-ins use this). */
export function perRecord(id: string, fn: (r: Rec) => Rec | null): StepRuntime {
  return {
    id,
    process(records) {
      const out: Rec[] = [];
      const rejects: StepOutput['rejects'] = [];
      for (const r of records) {
        try {
          const v = fn(r);
          if (v !== null) out.push(v);
        } catch (e) {
          rejects.push({ record: r, step: id, reason: e instanceof Error ? e.message : String(e) });
        }
      }
      return { out, rejects };
    },
  };
}
