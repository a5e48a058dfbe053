// Data quality rules (`quality:` on schema objects and properties). A rule's type decides its shape:
//   library  a named metric (`metric`, v3.0 also `rule`) compared with exactly one operator
//   sql      a `query` whose result is compared with exactly one operator
//   custom   an `engine` and its `implementation` (text or object), no operator
//   text     prose only
// With no `type`, a rule with `metric` (or v3.0 `rule`) is a library rule; otherwise it is prose. Keys that
// belong to another type are rejected with a message naming the type they need.
import {
  anyValue, arrayOf, authoritativeDefinitions, closed, customProperties, forbidden, oneOfValues, stableId, str, tags,
  type JsonSchema, type OdcsLine,
} from './schema-common.ts';

export const QUALITY_TYPES = ['text', 'library', 'sql', 'custom'] as const;
export const QUALITY_METRICS = ['nullValues', 'missingValues', 'invalidValues', 'duplicateValues', 'rowCount'] as const;
export const QUALITY_DIMENSIONS = ['accuracy', 'completeness', 'conformity', 'consistency', 'coverage', 'timeliness', 'uniqueness'] as const;

const between: JsonSchema = {
  type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2, uniqueItems: true,
  'x-message': '{path} must be a list of exactly two different numbers, smallest first, e.g. `[10, 20]`',
};

/** The comparison operators; a library or sql rule uses exactly one of them. */
export const OPERATORS: Readonly<Record<string, JsonSchema>> = {
  mustBe: anyValue, mustNotBe: anyValue,
  mustBeGreaterThan: { type: 'number' }, mustBeGreaterOrEqualTo: { type: 'number' },
  mustBeLessThan: { type: 'number' }, mustBeLessOrEqualTo: { type: 'number' },
  mustBeBetween: between, mustNotBeBetween: between,
};
const OPERATOR_NAMES = Object.keys(OPERATORS);

const LIBRARY_KEYS = ['metric', 'rule', 'arguments', 'validValues'];
const SQL_KEYS = ['query'];
const CUSTOM_KEYS = ['engine', 'implementation'];

type Shape = 'library' | 'sql' | 'custom' | 'text' | 'untyped';

function forbid(keys: readonly string[], shape: Shape, owner: string): Record<string, JsonSchema> {
  const what = shape === 'untyped' ? 'a rule without `type`' : `a \`type: ${shape}\` rule`;
  const out: Record<string, JsonSchema> = {};
  for (const key of keys) out[key] = forbidden(`{path} belongs to ${owner}, not to ${what}`, 'ODCS_QUALITY_KEY');
  return out;
}

function exactlyOneOperator(): JsonSchema {
  return {
    anyOf: OPERATOR_NAMES.map((op) => ({ required: [op] })),
    'x-message': `{path} needs one comparison operator: ${OPERATOR_NAMES.join(', ')}`,
    'x-code': 'ODCS_QUALITY_OPERATOR',
  };
}

function atMostOneOperator(): JsonSchema {
  const dependentSchemas: Record<string, JsonSchema> = {};
  for (const op of OPERATOR_NAMES) {
    dependentSchemas[op] = {
      not: { anyOf: OPERATOR_NAMES.filter((o) => o !== op).map((o) => ({ required: [o] })) },
      'x-message': '{path} has more than one comparison operator; a rule compares with exactly one',
      'x-code': 'ODCS_QUALITY_OPERATOR',
    };
  }
  return { dependentSchemas };
}

function whenType(type: Shape, then: JsonSchema): JsonSchema {
  return { if: { properties: { type: { const: type } }, required: ['type'] }, then };
}

function libraryRequirement(line: OdcsLine): JsonSchema {
  return line === 'v3.0'
    ? { anyOf: [{ required: ['metric'] }, { required: ['rule'] }], 'x-message': '{path} is a library rule and needs `metric` (or, in v3.0, `rule`)', 'x-code': 'ODCS_REQUIRED' }
    : { required: ['metric'] };
}

function rules(line: OdcsLine): JsonSchema[] {
  const operators = Object.keys(OPERATORS);
  const library = { allOf: [libraryRequirement(line), ...(line === 'v3.1' ? [exactlyOneOperator()] : [])], properties: { ...forbid(SQL_KEYS, 'library', '`type: sql` rules'), ...forbid(CUSTOM_KEYS, 'library', '`type: custom` rules') } };
  const isLibrary = {
    anyOf: [{ properties: { type: { const: 'library' } }, required: ['type'] }, { not: { required: ['type'] }, anyOf: [{ required: ['metric'] }, { required: ['rule'] }] }],
  };
  const prose = (shape: 'text' | 'untyped'): JsonSchema => ({
    properties: { ...forbid(operators, shape, 'library and sql rules'), ...forbid(SQL_KEYS, shape, '`type: sql` rules'), ...forbid(CUSTOM_KEYS, shape, '`type: custom` rules'), ...forbid(['arguments'], shape, 'library rules') },
  });
  return [
    { if: isLibrary, then: library },
    whenType('sql', { required: ['query'], allOf: line === 'v3.1' ? [exactlyOneOperator()] : [{}], properties: { ...forbid(LIBRARY_KEYS, 'sql', 'library rules'), ...forbid(CUSTOM_KEYS, 'sql', '`type: custom` rules') } }),
    whenType('custom', { required: ['engine', 'implementation'], properties: { ...forbid(operators, 'custom', 'library and sql rules'), ...forbid(LIBRARY_KEYS, 'custom', 'library rules'), ...forbid(SQL_KEYS, 'custom', '`type: sql` rules') } }),
    whenType('text', prose('text')),
    { if: { not: { anyOf: [{ required: ['type'] }, { required: ['metric'] }, { required: ['rule'] }] } }, then: prose('untyped') },
  ];
}

export function qualityRule(line: OdcsLine): JsonSchema {
  const keys: Record<string, JsonSchema> = {
    id: stableId, name: str, description: str,
    type: oneOfValues(QUALITY_TYPES), dimension: oneOfValues(QUALITY_DIMENSIONS),
    method: str, severity: str, businessImpact: str, unit: str, schedule: str, scheduler: str,
    tags, customProperties, authoritativeDefinitions,
    metric: oneOfValues(QUALITY_METRICS), rule: str, arguments: { type: 'object' },
    query: str, engine: str, implementation: { type: ['string', 'object'] },
    ...OPERATORS,
  };
  // v3.0 listed accepted values beside the rule; v3.1 moved them into `arguments.validValues`.
  if (line === 'v3.0') keys['validValues'] = arrayOf(anyValue);
  return closed(keys, [], { allOf: [...rules(line), atMostOneOperator()] });
}

export function qualityChecks(line: OdcsLine): JsonSchema {
  return arrayOf(qualityRule(line));
}
