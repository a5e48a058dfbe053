// The JSON Schemas of Runink's own kinds, compiled once at module load. A schema that fails to compile is a
// bug in this package (not user input), so it throws at import time, where tests catch it.
// Validators run with `useDefaults`: they fill `default`s into the value they are given, so callers pass a
// copy. `verbose` keeps the failing schema and data on each error for the problem messages.
import ajv2019 from 'ajv/dist/2019.js';
import type { ErrorObject } from 'ajv';
import herdSchema from '../schema/herd.schema.json' with { type: 'json' };
import projectSchema from '../schema/project.schema.json' with { type: 'json' };

export type ManifestKind = 'Project' | 'Herd';

export const MANIFEST_KINDS: readonly ManifestKind[] = ['Project', 'Herd'];

export interface SchemaCheck {
  readonly valid: boolean;
  readonly errors: readonly ErrorObject[];
}

// ajv is CommonJS: under NodeNext typing the default import is the module object; at runtime it is the
// class itself (ajv also sets `module.exports.default`), so take `.default` when present.
const Ajv2019 = (ajv2019 as unknown as { default?: typeof ajv2019.default }).default ?? (ajv2019 as unknown as typeof ajv2019.default);
const ajv = new Ajv2019({ allErrors: true, verbose: true, useDefaults: true, strict: true, allowUnionTypes: true });
const validators = {
  Project: ajv.compile(projectSchema),
  Herd: ajv.compile(herdSchema),
} as const;

/** Validates `value` in place (defaults are written into it) against the schema of `kind`. */
export function checkSchema(kind: ManifestKind, value: unknown): SchemaCheck {
  const validate = validators[kind];
  const valid = validate(value);
  return { valid, errors: validate.errors ?? [] };
}

/** The raw schema document of `kind`, e.g. for `runi init` or editor settings. */
export function manifestSchema(kind: ManifestKind): Readonly<Record<string, unknown>> {
  switch (kind) {
    case 'Project':
      return projectSchema;
    case 'Herd':
      return herdSchema;
  }
}
