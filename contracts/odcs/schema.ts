// Runink's own JSON Schema for ODCS data contracts (draft 2019-09 dialect), written from the standard rather
// than copied from it. `odcsSchema(line)` builds the schema for one family of the standard:
//   v3.1  ODCS v3.1.0 as published.
//   v3.0  the same, widened for what v3.0.x contracts legitimately wrote and v3.1 changed: library quality
//         rules named by `rule` (no `metric`), `validValues` beside the rule, no operator on a library or
//         sql rule, and boolean `exclusiveMinimum`/`exclusiveMaximum` in logicalTypeOptions.
// The root is closed; `apiVersion` and `kind` are checked here so that their own problem codes apply.
import {
  API_VERSIONS, arrayOf, authoritativeDefinitions, closed, customProperties, str, tags, type JsonSchema, type OdcsLine,
} from './schema-common.ts';
import { team, price, role, slaProperty, supportChannel } from './schema-people.ts';
import { schemaDefs } from './schema-properties.ts';
import { serverSchema } from './schema-servers.ts';

export const REQUIRED_ROOT_KEYS = ['version', 'apiVersion', 'kind', 'id', 'status'] as const;

const contractDescription: JsonSchema = {
  // The standard leaves this object open; only the documented keys are typed.
  type: 'object',
  properties: { usage: str, purpose: str, limitations: str, authoritativeDefinitions, customProperties },
};

export function odcsSchema(line: OdcsLine): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2019-09/schema',
    $id: `https://runink.dev/schemas/odcs-${line}.json`,
    ...closed(
      {
        apiVersion: { type: 'string', enum: [...API_VERSIONS], 'x-code': 'ODCS_API_VERSION' },
        kind: { type: 'string', enum: ['DataContract'], 'x-code': 'ODCS_KIND' },
        id: str,
        version: str,
        status: str,
        name: str,
        tenant: str,
        domain: str,
        dataProduct: str,
        description: contractDescription,
        tags,
        servers: arrayOf({ $ref: '#/$defs/server' }),
        schema: arrayOf({ $ref: '#/$defs/schemaObject' }),
        support: arrayOf(supportChannel),
        price,
        team,
        roles: arrayOf(role),
        slaDefaultElement: str,
        slaProperties: arrayOf(slaProperty),
        authoritativeDefinitions,
        customProperties,
        contractCreatedTs: { type: 'string', format: 'date-time', 'x-message': '{path} must be an RFC 3339 date-time such as `2024-05-01T09:30:00Z`' },
      },
      REQUIRED_ROOT_KEYS,
    ),
    $defs: { ...schemaDefs(line), server: serverSchema() },
  };
}
