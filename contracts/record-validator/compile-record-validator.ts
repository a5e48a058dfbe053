// compileRecordValidator: one ODCS schema object → a record checker for the hot path of a slice plus a
// factory for quality accumulators. The JSON Schema is compiled once with Ajv (first error only); a
// second, verbose Ajv validator is compiled lazily on the first rejection and used only to explain
// rejections. Pure: no I/O; invalid contracts come back as Problems.
import type { ValidateFunction } from 'ajv';
import { problem, hasErrors, type Problem } from '../../common/problem.ts';
import { didYouMean } from '../../common/suggest.ts';
import { asObject, schemaObjects, type Element } from '../diff/contract-view.ts';
import { createAjv } from './ajv-setup.ts';
import type { BuildContext, JsonSchema, LocateOptions } from './build-context.ts';
import { objectSchema } from './property-schema.ts';
import { compileQualityRules, type QualityRule } from './quality-rules.ts';
import { createQualityState, type QualityState } from './quality-state.ts';
import { explain } from './reason.ts';

export type CheckResult = { readonly ok: true } | { readonly ok: false; readonly reason: string; readonly field?: string };

export interface RecordValidator {
  /** Name (or id) of the schema object this validator checks. */
  readonly dataset: string;
  /** The generated JSON Schema (draft-07 plus the `x-runink-temporal` keyword), e.g. for lineage facets. */
  readonly jsonSchema: JsonSchema;
  /** Findings that did not stop compilation (ignored options, unknown formats, skipped rules). */
  readonly warnings: readonly Problem[];
  readonly rules: readonly QualityRule[];
  check(record: unknown): CheckResult;
  /** A fresh accumulator for one run. */
  quality(): QualityState;
}

export type CompileFailure = { readonly problems: readonly Problem[] };

export function isCompileFailure(r: RecordValidator | CompileFailure): r is CompileFailure {
  return 'problems' in r;
}

const OK: CheckResult = Object.freeze({ ok: true });

export function compileRecordValidator(document: Record<string, unknown>, dataset?: string, where: LocateOptions = {}): RecordValidator | CompileFailure {
  const ctx: BuildContext = { ajv: createAjv(false), problems: [], where };
  const picked = pickObject(document, dataset, ctx);
  if (picked === undefined) return { problems: ctx.problems };
  const jsonSchema = objectSchema(picked.node['properties'], picked.raw, ctx);
  const rules = compileQualityRules(picked.key, picked.node, picked.raw, ctx);
  if (hasErrors(ctx.problems)) return { problems: ctx.problems };
  let fast: ValidateFunction;
  try {
    fast = ctx.ajv.compile(jsonSchema);
  } catch (e) {
    const at = where.locate?.([...picked.raw]);
    const message = `could not compile a validator for \`${picked.key}\`: ${e instanceof Error ? e.message : String(e)}`;
    return { problems: [...ctx.problems, problem('CONTRACT_RECORD_COMPILE_FAILED', message, { ...(where.file === undefined ? {} : { file: where.file }), ...(at ?? {}) })] };
  }
  let verbose: ValidateFunction | undefined;
  const reject = (record: unknown): CheckResult => {
    verbose ??= createAjv(true).compile(jsonSchema);
    verbose(record);
    const { reason, field } = explain(verbose.errors ?? fast.errors);
    return field === undefined ? { ok: false, reason } : { ok: false, reason, field };
  };
  return {
    dataset: picked.key,
    jsonSchema,
    warnings: ctx.problems,
    rules,
    check: (record) => (fast(record) ? OK : reject(record)),
    quality: () => createQualityState(rules),
  };
}

function pickObject(document: Record<string, unknown>, dataset: string | undefined, ctx: BuildContext): Element | undefined {
  const objects = schemaObjects(asObject(document) ?? {});
  const at = (raw: (string | number)[]): Partial<{ file: string; line: number; col: number }> => ({
    ...(ctx.where.file === undefined ? {} : { file: ctx.where.file }),
    ...(ctx.where.locate?.(raw) ?? {}),
  });
  if (objects.length === 0) {
    ctx.problems.push(problem('CONTRACT_RECORD_NO_SCHEMA', 'the contract has no schema objects to validate records against', at(['schema']), { hint: 'add a `schema:` list with at least one object and its properties' }));
    return undefined;
  }
  if (dataset === undefined) return objects[0];
  const found = objects.find((o) => o.name === dataset) ?? objects.find((o) => o.id === dataset);
  if (found === undefined) {
    const names = objects.map((o) => o.key);
    ctx.problems.push(problem('CONTRACT_RECORD_UNKNOWN_DATASET', `the contract has no schema object \`${dataset}\` (it has ${names.map((n) => `\`${n}\``).join(', ')})`, at(['schema']), { hint: didYouMean(dataset, names) ?? 'name one of the schema objects' }));
  }
  return found;
}
