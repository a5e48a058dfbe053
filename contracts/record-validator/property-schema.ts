// ODCS properties → JSON Schema. Contract of the translation:
// - `required: true` means present and not null; otherwise a value may be absent or null.
// - Record keys are the properties' `name`s; keys the contract does not declare are allowed.
// - Values are checked as JSON carries them: integers must be numbers (a CSV source casts before this),
//   dates/timestamps/times must be text (see temporal.ts).
import { asArray, asNumber, asObject, asText, isTrue, type Obj, type RawPath } from '../diff/contract-view.ts';
import { didYouMean } from '../../common/suggest.ts';
import { TEMPORAL_KEYWORD, knownFormat, type TemporalSpec } from './ajv-setup.ts';
import { report, type BuildContext, type JsonSchema } from './build-context.ts';
import { temporalParser, type TemporalKind } from './temporal.ts';

const LOGICAL_TYPES = ['string', 'date', 'timestamp', 'time', 'integer', 'number', 'boolean', 'object', 'array'];
const OPTIONS: Readonly<Record<string, readonly string[]>> = {
  string: ['minLength', 'maxLength', 'pattern', 'format', 'enum'],
  integer: ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'format', 'enum'],
  number: ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'format', 'enum'],
  date: ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'format'],
  timestamp: ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'format', 'timezone', 'defaultTimezone'],
  time: ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'format', 'timezone', 'defaultTimezone'],
  boolean: [],
  object: ['required', 'minProperties', 'maxProperties'],
  array: ['minItems', 'maxItems', 'uniqueItems'],
};
const COUNT_OPTIONS = new Set(['minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties']);
const NUMBER_OPTIONS = new Set(['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf']);
const INTEGER_FORMATS: Readonly<Record<string, readonly [number, number]>> = {
  i8: [-128, 127], i16: [-32768, 32767], i32: [-2147483648, 2147483647], u8: [0, 255], u16: [0, 65535], u32: [0, 4294967295],
  i64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER], u64: [0, Number.MAX_SAFE_INTEGER],
};

/** `{ type: 'object', properties, required }` for a list of ODCS properties. */
export function objectSchema(properties: unknown, raw: RawPath, ctx: BuildContext): JsonSchema {
  const props: Record<string, JsonSchema> = {};
  const required: string[] = [];
  asArray(properties).forEach((item, index) => {
    const at = [...raw, 'properties', index];
    const node = asObject(item);
    const name = asText(node?.['name']);
    if (node === undefined || name === undefined) {
      report(ctx, 'CONTRACT_RECORD_UNNAMED_PROPERTY', 'property has no `name`, so records cannot be matched to it', at, { hint: 'give every property a `name`' });
      return;
    }
    if (Object.hasOwn(props, name)) {
      report(ctx, 'CONTRACT_RECORD_DUPLICATE_PROPERTY', `property \`${name}\` is declared twice`, at, { hint: 'remove or rename one of them' });
      return;
    }
    props[name] = propertySchema(node, at, ctx);
    if (isTrue(node['required'])) required.push(name);
  });
  const schema: JsonSchema = { type: 'object', properties: props };
  if (required.length > 0) schema['required'] = required;
  return schema;
}

/** Schema of one value (a property, or array `items`), nullable unless `required: true`. */
export function propertySchema(node: Obj, raw: RawPath, ctx: BuildContext): JsonSchema {
  const logicalType = asText(node['logicalType']);
  const options = asObject(node['logicalTypeOptions']) ?? {};
  let schema: JsonSchema = {};
  if (logicalType !== undefined && !LOGICAL_TYPES.includes(logicalType)) {
    report(ctx, 'CONTRACT_RECORD_UNKNOWN_LOGICAL_TYPE', `logicalType \`${logicalType}\` is not an ODCS logical type`, [...raw, 'logicalType'], {
      hint: didYouMean(logicalType, LOGICAL_TYPES) ?? `use one of ${LOGICAL_TYPES.join(', ')}`,
    });
  } else if (logicalType !== undefined) {
    checkOptionNames(logicalType, options, raw, ctx);
    schema = typedSchema(logicalType, node, options, raw, ctx);
  }
  return isTrue(node['required']) ? notNull(schema) : nullable(schema);
}

function typedSchema(type: string, node: Obj, options: Obj, raw: RawPath, ctx: BuildContext): JsonSchema {
  const optRaw = [...raw, 'logicalTypeOptions'];
  switch (type) {
    case 'string':
      return { type: 'string', ...counts(options, optRaw, ctx), ...stringOptions(options, optRaw, ctx), ...enumOption(options) };
    case 'integer':
    case 'number':
      return { type, ...numberOptions(type, options, optRaw, ctx), ...enumOption(options) };
    case 'boolean':
      return { type: 'boolean' };
    case 'date':
    case 'timestamp':
    case 'time':
      return { type: 'string', [TEMPORAL_KEYWORD]: temporalSpec(type, options, optRaw, ctx) };
    case 'object': {
      const schema = { ...objectSchema(node['properties'], raw, ctx), ...counts(options, optRaw, ctx) };
      const extra = asArray(options['required']).filter((n): n is string => typeof n === 'string');
      if (extra.length > 0) schema['required'] = [...new Set([...asArray(schema['required']), ...extra])];
      return schema;
    }
    case 'array': {
      const schema: JsonSchema = { type: 'array', ...counts(options, optRaw, ctx) };
      if (options['uniqueItems'] === true) schema['uniqueItems'] = true;
      const items = asObject(node['items']);
      if (items !== undefined) schema['items'] = propertySchema(items, [...raw, 'items'], ctx);
      return schema;
    }
    default:
      return {};
  }
}

function stringOptions(options: Obj, raw: RawPath, ctx: BuildContext): JsonSchema {
  const out: JsonSchema = {};
  const pattern = options['pattern'];
  if (pattern !== undefined) {
    const error = regexError(pattern);
    if (error === undefined) out['pattern'] = pattern;
    else report(ctx, 'CONTRACT_RECORD_BAD_PATTERN', `pattern ${JSON.stringify(pattern)} is not a valid regular expression: ${error}`, [...raw, 'pattern'], { hint: 'write an ECMA-262 regular expression' });
  }
  const format = asText(options['format']);
  if (format !== undefined) {
    if (knownFormat(ctx.ajv, format)) out['format'] = format;
    else report(ctx, 'CONTRACT_RECORD_UNKNOWN_FORMAT', `string format \`${format}\` is not known; it is not checked`, [...raw, 'format'], { severity: 'warning', hint: didYouMean(format, Object.keys(ctx.ajv.formats)) ?? 'use a JSON Schema format such as email, uuid, uri, hostname, ipv4' });
  }
  return out;
}

function numberOptions(type: string, options: Obj, raw: RawPath, ctx: BuildContext): JsonSchema {
  const out: JsonSchema = {};
  for (const key of NUMBER_OPTIONS) {
    const v = options[key];
    if (v === undefined) continue;
    if (asNumber(v) === undefined || (key === 'multipleOf' && (v as number) <= 0)) badOption(ctx, key, v, 'a number', raw);
    else out[key] = v;
  }
  const range = type === 'integer' ? INTEGER_FORMATS[asText(options['format']) ?? ''] : undefined;
  if (range !== undefined) out['allOf'] = [{ minimum: range[0], maximum: range[1] }];
  return out;
}

function counts(options: Obj, raw: RawPath, ctx: BuildContext): JsonSchema {
  const out: JsonSchema = {};
  for (const key of COUNT_OPTIONS) {
    const v = options[key];
    if (v === undefined) continue;
    if (Number.isInteger(v) && (v as number) >= 0) out[key] = v;
    else badOption(ctx, key, v, 'a whole number >= 0', raw);
  }
  return out;
}

function enumOption(options: Obj): JsonSchema {
  return Array.isArray(options['enum']) ? { enum: options['enum'] } : {};
}

function temporalSpec(kind: TemporalKind, options: Obj, raw: RawPath, ctx: BuildContext): TemporalSpec {
  let format = asText(options['format']);
  let parser = temporalParser(kind, format);
  if (!parser.ok) {
    report(ctx, 'CONTRACT_RECORD_UNSUPPORTED_DATE_FORMAT', `${parser.reason}; ISO-8601 ${kind} values are expected instead`, [...raw, 'format'], { severity: 'warning', hint: 'use yyyy, MM, dd, HH, mm, ss, S and X letters' });
    format = undefined;
    parser = temporalParser(kind);
  }
  const parse = parser.ok ? parser.parse : () => undefined;
  const iso = (temporalParser(kind) as { ok: true; parse: (t: string) => number | undefined }).parse;
  const bounds: Array<TemporalSpec['bounds'][number]> = [];
  for (const op of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'] as const) {
    const text = asText(options[op]);
    if (text === undefined) continue;
    const value = parse(text) ?? iso(text);
    if (value === undefined) badOption(ctx, op, text, `a ${kind} in the property's format (${format ?? 'ISO-8601'})`, raw);
    else bounds.push({ op, value, text });
  }
  return format === undefined ? { kind, bounds } : { kind, format, bounds };
}

function checkOptionNames(type: string, options: Obj, raw: RawPath, ctx: BuildContext): void {
  const allowed = OPTIONS[type] ?? [];
  for (const key of Object.keys(options)) {
    if (allowed.includes(key)) continue;
    report(ctx, 'CONTRACT_RECORD_OPTION_IGNORED', `logicalTypeOptions \`${key}\` does not apply to logicalType \`${type}\` and is not checked`, [...raw, 'logicalTypeOptions', key], {
      severity: 'warning',
      hint: didYouMean(key, allowed) ?? (allowed.length > 0 ? `options for ${type}: ${allowed.join(', ')}` : `${type} takes no options`),
    });
  }
}

function badOption(ctx: BuildContext, key: string, value: unknown, want: string, raw: RawPath): void {
  report(ctx, 'CONTRACT_RECORD_BAD_OPTION', `logicalTypeOptions \`${key}\` is ${JSON.stringify(value)}; expected ${want}`, [...raw, key], { hint: `fix or remove \`${key}\`` });
}

function regexError(pattern: unknown): string | undefined {
  if (typeof pattern !== 'string') return 'not a string';
  try {
    new RegExp(pattern, 'u');
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

function nullable(schema: JsonSchema): JsonSchema {
  const out = { ...schema };
  if (typeof out['type'] === 'string') out['type'] = [out['type'], 'null'];
  if (Array.isArray(out['enum']) && !out['enum'].includes(null)) out['enum'] = [...out['enum'], null];
  return out;
}

function notNull(schema: JsonSchema): JsonSchema {
  return schema['type'] === undefined && schema['enum'] === undefined ? { ...schema, not: { type: 'null' } } : schema;
}
