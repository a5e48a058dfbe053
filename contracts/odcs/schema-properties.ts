// Schema objects (datasets/tables/topics) and their properties (columns/fields), with the per-logicalType
// options, nested `items` (arrays) and `properties` (objects). A property's logicalType picks which
// `logicalTypeOptions` keys are allowed; `items` only exists on arrays and `properties` only on objects.
import {
  arrayOf, authoritativeDefinitions, anyValue, bool, closed, count, customProperties, forbidden, int, num, oneOfValues,
  stableId, str, strings, tags, type JsonSchema, type OdcsLine,
} from './schema-common.ts';
import { qualityChecks } from './schema-quality.ts';
import { propertyRelationship, schemaRelationship } from './schema-relationships.ts';

export const LOGICAL_TYPES = ['string', 'date', 'timestamp', 'time', 'number', 'integer', 'object', 'array', 'boolean'] as const;
export type LogicalType = (typeof LOGICAL_TYPES)[number];

const INTEGER_FORMATS = ['i8', 'i16', 'i32', 'i64', 'i128', 'u8', 'u16', 'u32', 'u64', 'u128'];
const NUMBER_FORMATS = ['f32', 'f64'];

/** v3.0 wrote `exclusiveMinimum: true` next to `minimum`; v3.1 writes the bound itself. */
function bound(line: OdcsLine, value: JsonSchema): JsonSchema {
  return line === 'v3.0' ? { type: [value['type'] as string, 'boolean'] } : value;
}

function temporalOptions(line: OdcsLine, withZone: boolean): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {
    format: str, minimum: str, maximum: str, exclusiveMinimum: bound(line, str), exclusiveMaximum: bound(line, str),
  };
  if (withZone) Object.assign(out, { timezone: bool, defaultTimezone: str });
  return out;
}

function numericOptions(line: OdcsLine, formats: readonly string[]): Record<string, JsonSchema> {
  return {
    multipleOf: { type: 'number', exclusiveMinimum: 0 },
    minimum: num, maximum: num, exclusiveMinimum: bound(line, num), exclusiveMaximum: bound(line, num),
    format: oneOfValues(formats),
  };
}

/** The allowed `logicalTypeOptions` per logical type; `undefined` = any object (the standard defines none). */
export function logicalTypeOptions(line: OdcsLine, type: LogicalType): Record<string, JsonSchema> | undefined {
  switch (type) {
    case 'string': return { minLength: count, maxLength: count, pattern: str, format: str };
    case 'date': return temporalOptions(line, false);
    case 'timestamp':
    case 'time': return temporalOptions(line, true);
    case 'integer': return numericOptions(line, INTEGER_FORMATS);
    case 'number': return numericOptions(line, NUMBER_FORMATS);
    case 'object': return { minProperties: count, maxProperties: count, required: arrayOf(str, { minItems: 1, uniqueItems: true }) };
    case 'array': return { minItems: count, maxItems: count, uniqueItems: bool };
    case 'boolean': return undefined;
  }
}

function optionsByType(line: OdcsLine): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const type of LOGICAL_TYPES) {
    const options = logicalTypeOptions(line, type);
    if (options === undefined) continue;
    out.push({
      if: { properties: { logicalType: { const: type } }, required: ['logicalType'] },
      then: { properties: { logicalTypeOptions: { ...closed(options), 'x-context': `logicalType \`${type}\`` } } },
    });
  }
  return out;
}

const ONLY_ARRAYS = forbidden('{path} is only allowed when `logicalType` is `array`', 'ODCS_NOT_ALLOWED');
const ONLY_OBJECTS = forbidden('{path} is only allowed when `logicalType` is `object`', 'ODCS_NOT_ALLOWED');

/** Keys every schema element (object or property) may carry. */
function elementKeys(): Record<string, JsonSchema> {
  return { id: stableId, name: str, physicalType: str, description: str, businessName: str, authoritativeDefinitions, tags, customProperties };
}

/** A property: `kind` `item` is the element of an array (`items`), which has no name of its own. */
function property(line: OdcsLine, kind: 'property' | 'item'): JsonSchema {
  const keys: Record<string, JsonSchema> = {
    ...elementKeys(),
    primaryKey: bool, primaryKeyPosition: int,
    logicalType: oneOfValues(LOGICAL_TYPES), logicalTypeOptions: { type: 'object' },
    physicalName: str, required: bool, unique: bool, partitioned: bool, partitionKeyPosition: int,
    classification: str, encryptedName: str,
    transformSourceObjects: strings, transformLogic: str, transformDescription: str,
    examples: arrayOf(anyValue), criticalDataElement: bool,
    relationships: arrayOf({ $ref: '#/$defs/propertyRelationship' }),
    quality: { $ref: '#/$defs/quality' },
    items: { $ref: '#/$defs/item' },
    properties: arrayOf({ $ref: '#/$defs/property' }),
  };
  const shape: JsonSchema[] = [
    ...optionsByType(line),
    { if: { not: { properties: { logicalType: { const: 'array' } }, required: ['logicalType'] } }, then: { properties: { items: ONLY_ARRAYS } } },
  ];
  if (kind === 'property') {
    shape.push({ if: { not: { properties: { logicalType: { const: 'object' } }, required: ['logicalType'] } }, then: { properties: { properties: ONLY_OBJECTS } } });
  }
  return closed(keys, kind === 'property' ? ['name'] : [], { allOf: shape });
}

function schemaObject(): JsonSchema {
  return closed(
    {
      ...elementKeys(),
      logicalType: { ...oneOfValues(['object']), 'x-message': '{path} of a schema object must be `object`' },
      physicalName: str, dataGranularityDescription: str,
      properties: arrayOf({ $ref: '#/$defs/property' }),
      relationships: arrayOf({ $ref: '#/$defs/schemaRelationship' }),
      quality: { $ref: '#/$defs/quality' },
    },
    ['name'],
  );
}

/** The `$defs` this file contributes (referenced as `#/$defs/<name>`). */
export function schemaDefs(line: OdcsLine): Record<string, JsonSchema> {
  return {
    schemaObject: schemaObject(),
    property: property(line, 'property'),
    item: property(line, 'item'),
    quality: qualityChecks(line),
    schemaRelationship,
    propertyRelationship,
  };
}
