// validate(contract): checks every record against the contract's schema object with the validator compiled
// once per run (contracts/record-validator). Invalid records are rejected with `<field>: <rule>`
// (validate-reason.ts). Quality: the contract's accumulator observes every record that reaches the step,
// rejected ones included, so a quality rule such as `nullValues mustBe 0` sees the nulls that were rejected.
import { compileRecordValidator, isCompileFailure } from '../../../contracts/record-validator/compile-record-validator.ts';
import { SliceError } from '../errors.ts';
import type { Rec, Rejected } from '../types.ts';
import type { StepRuntime } from './step.ts';
import { reasonExplainer } from './validate-reason.ts';

export function validateStep(id: string, contract: string, document: Readonly<Record<string, unknown>>): StepRuntime {
  const validator = compileRecordValidator(document as Record<string, unknown>);
  if (isCompileFailure(validator)) {
    const first = validator.problems.find((p) => p.severity === 'error') ?? validator.problems[0];
    throw new SliceError('SLICE_CONTRACT_INVALID', `step ${id}: contract ${contract} cannot be compiled: ${first?.message ?? 'unknown problem'}`, { step: id, contract, problems: validator.problems });
  }
  const explain = reasonExplainer(validator.jsonSchema);
  const quality = validator.quality();
  return {
    id,
    process(records) {
      const out: Rec[] = [];
      const rejects: Rejected[] = [];
      for (const r of records) {
        quality.observe(r);
        if (validator.check(r).ok) out.push(r);
        else rejects.push({ record: r, step: id, reason: explain(r) });
      }
      return { out, rejects };
    },
    quality: () => ({ step: id, contract, dataset: validator.dataset, rows: quality.rows, results: quality.results() }),
  };
}
