// Building blocks of Runink's own ODCS schema (JSON Schema, draft 2019-09 dialect), shared by the schema-*.ts
// files. Two extra annotation keywords steer error reporting (see explain-errors.ts):
//   x-message  replaces ajv's wording for a failure of the node that carries it; `{path}` is the readable
//              place (`schema[0].properties[1]`), `{value}` the offending value.
//   x-code     replaces the Problem code for that failure.
// Every object is closed (`additionalProperties: false`) unless the standard leaves it open, so a typo is an
// `ODCS_UNKNOWN_PROPERTY` with a did-you-mean against the keys listed in `properties`.

export type JsonSchema = { readonly [key: string]: unknown };

/** Which family of the standard a document is checked against. v3.0.x documents get a few legacy widenings. */
export type OdcsLine = 'v3.0' | 'v3.1';

export const API_VERSIONS = ['v3.0.0', 'v3.0.1', 'v3.0.2', 'v3.1.0'] as const;
export type ApiVersion = (typeof API_VERSIONS)[number];

export function lineOf(apiVersion: unknown): OdcsLine {
  return typeof apiVersion === 'string' && apiVersion.startsWith('v3.0.') ? 'v3.0' : 'v3.1';
}

export const str: JsonSchema = { type: 'string' };
export const bool: JsonSchema = { type: 'boolean' };
export const num: JsonSchema = { type: 'number' };
export const int: JsonSchema = { type: 'integer' };
export const count: JsonSchema = { type: 'integer', minimum: 0 };
export const strings: JsonSchema = { type: 'array', items: str };
export const uri: JsonSchema = { type: 'string', format: 'uri', 'x-message': '{path} must be a URI with a scheme, such as `s3://bucket/path`' };
export const date: JsonSchema = { type: 'string', format: 'date', 'x-message': '{path} must be a date written `YYYY-MM-DD`' };
export const scalar: JsonSchema = { type: ['string', 'number', 'boolean', 'null'] };
export const anyValue: JsonSchema = { type: ['string', 'number', 'boolean', 'null', 'array', 'object'] };

/** A closed object: only the listed keys, `required` among them. */
export function closed(properties: Record<string, JsonSchema>, required: readonly string[] = [], extra: JsonSchema = {}): JsonSchema {
  const out: Record<string, unknown> = { type: 'object', properties, additionalProperties: false, ...extra };
  if (required.length > 0) out['required'] = [...required];
  return out;
}

/** A key that must not appear where this schema applies; `message` explains why. */
export function forbidden(message: string, code = 'ODCS_NOT_ALLOWED'): JsonSchema {
  return { not: {}, 'x-message': message, 'x-code': code };
}

export function arrayOf(items: JsonSchema, extra: JsonSchema = {}): JsonSchema {
  return { type: 'array', items, ...extra };
}

export function oneOfValues(values: readonly string[]): JsonSchema {
  return { type: 'string', enum: [...values] };
}

/** Ids that other parts of a contract (and other contracts) may refer to. */
export const stableId: JsonSchema = {
  type: 'string',
  pattern: '^[A-Za-z0-9_-]+$',
  'x-message': '{path} must be a stable id: letters, digits, `_` and `-` only',
};

export const tags: JsonSchema = strings;

export const customProperty: JsonSchema = closed(
  { id: stableId, property: str, value: anyValue, description: str },
  ['property', 'value'],
);
export const customProperties: JsonSchema = arrayOf(customProperty);

export const authoritativeDefinition: JsonSchema = closed(
  { id: stableId, url: str, type: str, description: str },
  ['url', 'type'],
);
export const authoritativeDefinitions: JsonSchema = arrayOf(authoritativeDefinition);
