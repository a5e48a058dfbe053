// validateContract: the one entry point for reading an ODCS data contract. Parses the YAML (syntax errors,
// duplicate keys, alias bombs), checks it against Runink's ODCS schema for its apiVersion family (v3.0.x or
// v3.1.0; an unknown apiVersion is reported and checked as v3.1), then runs the cross-document checks.
// Pure: text in, data out. Every problem is reported, sorted by position; `document` is present only when no
// problem is an error.
import ajv2019 from 'ajv/dist/2019.js';
import ajvFormats from 'ajv-formats';
import type { AnyValidateFunction } from 'ajv/dist/core.js';
import { cachedValidator } from '../../common/ajv-standalone-cache.ts';
import { hasErrors, problem, sortProblems, type Problem } from '../../common/problem.ts';
import { parseYaml } from '../yaml-source.ts';
import { explainErrors } from './explain-errors.ts';
import { lineOf, type OdcsLine } from './schema-common.ts';
import { odcsSchema } from './schema.ts';
import { semanticChecks } from './semantic-checks.ts';
import type { OdcsDocument } from './types.ts';

export interface ContractValidation {
  readonly document?: OdcsDocument;
  readonly problems: Problem[];
}

// One ajv instance per process; a schema that fails to compile is a bug here (it throws on first use).
// ajv and ajv-formats are CommonJS: under NodeNext typing the default import is the module object, whose
// `default` is the class/plugin (both packages set `module.exports.default` at runtime too).
const ajv = new ajv2019.default({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true, code: { source: true } });
ajvFormats.default(ajv);
ajv.addVocabulary(['x-message', 'x-code', 'x-context']);
// Built on first use per line (a repository usually holds one line only): loaded from the disk cache of
// compiled validators (common/ajv-standalone-cache.ts, ~0.1 s) or compiled (~1 s) and cached.
const validators = new Map<OdcsLine, AnyValidateFunction>();
function validatorFor(line: OdcsLine): AnyValidateFunction {
  let validate = validators.get(line);
  if (validate === undefined) {
    validate = cachedValidator(ajv, odcsSchema(line), 'odcs:allErrors,verbose,strict,formats,x-vocabulary');
    validators.set(line, validate);
  }
  return validate;
}

export function validateContract(file: string, text: string): ContractValidation {
  const source = parseYaml(file, text);
  const problems = [...source.problems];
  if (hasErrors(problems)) return { problems: sortProblems(problems) };
  const value = source.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.push(problem('ODCS_NOT_A_MAPPING', 'a data contract must be a YAML mapping of keys such as `apiVersion`, `kind`, `id`', { file, line: 1, col: 1 }, { hint: 'start from `apiVersion: v3.1.0` and `kind: DataContract`' }));
    return { problems: sortProblems(problems) };
  }
  const validate = validatorFor(lineOf((value as Record<string, unknown>)['apiVersion']));
  if (!validate(value)) problems.push(...explainErrors(validate.errors ?? [], { file, locate: source.locate }));
  problems.push(...semanticChecks(value, { file, locate: source.locate }));
  const sorted = sortProblems(problems);
  return hasErrors(sorted) ? { problems: sorted } : { document: value as OdcsDocument, problems: sorted };
}
