// map(field=expr…): sets each field to its CEL expression, all evaluated over the input record (a field set
// here is not visible to the other expressions of the same step). The record is updated in place (the step
// owns the records it is given, see pipeline.ts); new fields are appended in parameter order.
import type { Rec } from '../types.ts';
import { celToJson, compileCel, type CelFn } from './cel.ts';
import { perRecord, type StepRuntime } from './step.ts';

export function mapStep(id: string, params: Readonly<Record<string, unknown>>): StepRuntime {
  const fields: Array<[string, CelFn]> = Object.entries(params).map(([field, expr]) => [field, compileCel(String(expr), `map ${field}`)]);
  const values: unknown[] = new Array<unknown>(fields.length);
  return perRecord(id, (r: Rec) => {
    for (let i = 0; i < fields.length; i++) values[i] = celToJson(fields[i]![1](r));
    for (let i = 0; i < fields.length; i++) r[fields[i]![0]] = values[i];
    return r;
  });
}
