// Rejection reasons of `validate` in the documented short form `<field>: <rule>` (examples-repo/README.md):
// rule = `required` (absent, or null while required), `type` (wrong JSON type), or the name of the broken
// option: pattern, format, minimum, maximum, minLength, maxLength (exclusiveMinimum/-Maximum report as
// minimum/maximum; other keywords by their own name, e.g. enum, multipleOf, minItems). When a record breaks
// several rules, the field that comes first in the contract wins. Nested fields are dotted (`customer.zip`).
// Explaining runs a second, verbose Ajv validator compiled lazily on the first rejection: the hot path
// (valid records) never pays for it.
import type { ErrorObject, ValidateFunction } from 'ajv';
import { createAjv, TEMPORAL_KEYWORD } from '../../../contracts/record-validator/ajv-setup.ts';
import type { JsonSchema } from '../../../contracts/record-validator/build-context.ts';
import { fieldPath } from '../../../contracts/record-validator/reason.ts';

export function reasonExplainer(schema: JsonSchema): (record: unknown) => string {
  let verbose: ValidateFunction | undefined;
  const order = new Map(Object.keys((schema['properties'] as Record<string, unknown> | undefined) ?? {}).map((k, i) => [k, i]));
  return (record) => {
    verbose ??= createAjv(true).compile(schema);
    verbose(record);
    const errors = (verbose.errors ?? []).filter((e) => e.keyword !== 'if' && e.keyword !== 'allOf' && e.keyword !== 'anyOf');
    let best: { field: string; rule: string; rank: number } | undefined;
    for (const e of errors) {
      const field = fieldOf(e);
      const top = field.split(/[.[]/)[0] ?? field;
      const rank = order.get(top) ?? Number.MAX_SAFE_INTEGER;
      if (best === undefined || rank < best.rank) best = { field, rule: ruleOf(e), rank };
    }
    if (best === undefined) return 'record: type';
    return `${best.field === '' ? 'record' : best.field}: ${best.rule}`;
  };
}

function fieldOf(e: ErrorObject): string {
  const base = fieldPath(e.instancePath);
  if (e.keyword === 'required') {
    const missing = String((e.params as { missingProperty?: unknown }).missingProperty ?? '');
    return base === '' ? missing : `${base}.${missing}`;
  }
  return base;
}

export function ruleOf(e: ErrorObject): string {
  if (e.keyword === 'required' || e.keyword === 'not') return 'required';
  if (e.data === null) return 'required'; // null where the (required) schema does not allow it
  switch (e.keyword) {
    case 'exclusiveMinimum':
      return 'minimum';
    case 'exclusiveMaximum':
      return 'maximum';
    case TEMPORAL_KEYWORD: {
      const m = e.message ?? '';
      return m.startsWith('must be >') ? 'minimum' : m.startsWith('must be <') ? 'maximum' : 'format';
    }
    default:
      return e.keyword;
  }
}
