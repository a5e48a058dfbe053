// Relationships (ODCS v3.1): foreign keys between properties. At schema-object level a relationship names
// both ends (`from` and `to`, both single references or both lists for composite keys); at property level the
// property itself is the source, so only `to` is written. A reference is either shorthand `object.property`
// or fully qualified `[file.yaml#]/schema/<id>/properties/<id>`. Whether the ends exist is checked later
// (semantic-checks.ts), since JSON Schema cannot look across the document.
import { arrayOf, closed, customProperties, forbidden, oneOfValues, type JsonSchema } from './schema-common.ts';

const NAME = '[A-Za-z_][A-Za-z0-9_]*';
const SEGMENT = '[A-Za-z0-9_-]+';
/** `orders.customer_id` */
export const SHORTHAND_REFERENCE = new RegExp(`^${NAME}\\.${NAME}$`);
/** `/schema/orders_tbl/properties/customer_id`, optionally after `other-contract.yaml#`. */
export const QUALIFIED_REFERENCE = new RegExp(`^(?:(?:https?://)?[A-Za-z0-9._/-]+\\.yaml#)?/?${NAME}/${SEGMENT}(?:/${NAME}/${SEGMENT})*$`);

const reference: JsonSchema = {
  type: 'string',
  anyOf: [{ pattern: SHORTHAND_REFERENCE.source }, { pattern: QUALIFIED_REFERENCE.source }],
  'x-message': '{path} must reference a property as `object.property` or `/schema/<id>/properties/<id>`',
  'x-code': 'ODCS_REFERENCE',
};

const references: JsonSchema = arrayOf(reference, { minItems: 1 });

/** One reference or a non-empty list of them (composite keys). */
const end: JsonSchema = {
  if: { type: 'array' },
  then: references,
  else: reference,
};

const relationshipType = oneOfValues(['foreignKey']);

export const schemaRelationship: JsonSchema = closed(
  { type: relationshipType, from: end, to: end, customProperties },
  ['from', 'to'],
  {
    allOf: [
      {
        if: { required: ['from'], properties: { from: { type: 'array' } } },
        then: { properties: { to: { not: { type: 'string' }, 'x-message': '{path} must be a list too: `from` is a list (a composite key)', 'x-code': 'ODCS_REFERENCE' } } },
      },
      {
        if: { required: ['from'], properties: { from: { type: 'string' } } },
        then: { properties: { to: { not: { type: 'array' }, 'x-message': '{path} must be a single reference too: `from` is a single reference', 'x-code': 'ODCS_REFERENCE' } } },
      },
    ],
  },
);

export const propertyRelationship: JsonSchema = closed(
  {
    type: relationshipType,
    from: forbidden('{path} is not written at property level: the property itself is the source; move the relationship to the schema object to name both ends', 'ODCS_RELATIONSHIP_FROM'),
    to: end,
    customProperties,
  },
  ['to'],
);
