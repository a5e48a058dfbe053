// Servers: where the data lives. Every server has `server` (its name) and `type`; each type then has its own
// connection fields, some required. A field of another type is rejected, so `database` on a kafka server is
// an unknown property with the kafka fields as the did-you-mean candidates.
import { arrayOf, closed, customProperties, int, oneOfValues, stableId, str, uri, type JsonSchema } from './schema-common.ts';
import { role } from './schema-people.ts';

/** Connection fields and their shapes, shared by all server types. */
const FIELDS: Readonly<Record<string, JsonSchema>> = {
  account: str, catalog: str, database: str, dataset: str, delimiter: str, endpointUrl: uri, format: str,
  host: str, location: uri, path: str, port: int, project: str, region: str, regionName: str, schema: str,
  serviceName: str, stagingDir: str, stream: str, warehouse: str,
};

interface ServerShape {
  readonly required: readonly string[];
  readonly optional: readonly string[];
}

const HOST_PORT_DB: ServerShape = { required: ['host', 'port', 'database'], optional: [] };
const HOST_DB: ServerShape = { required: ['host', 'database'], optional: ['port'] };
const HOST_PORT_DB_SCHEMA: ServerShape = { required: ['host', 'port', 'database', 'schema'], optional: [] };

/** Per server type: the connection fields it requires and the ones it may add. */
export const SERVER_TYPES: Readonly<Record<string, ServerShape>> = {
  api: { required: ['location'], optional: [] },
  athena: { required: ['stagingDir', 'schema'], optional: ['catalog', 'regionName'] },
  azure: { required: ['location', 'format'], optional: ['delimiter'] },
  bigquery: { required: ['project', 'dataset'], optional: [] },
  clickhouse: HOST_PORT_DB,
  cloudsql: HOST_PORT_DB_SCHEMA,
  custom: { required: [], optional: Object.keys(FIELDS) },
  databricks: { required: ['catalog', 'schema'], optional: ['host'] },
  db2: { required: ['host', 'port', 'database'], optional: ['schema'] },
  denodo: { required: ['host', 'port'], optional: ['database'] },
  dremio: { required: ['host', 'port'], optional: ['schema'] },
  duckdb: { required: ['database'], optional: ['schema'] },
  glue: { required: ['account', 'database'], optional: ['location', 'format'] },
  hive: HOST_DB,
  impala: HOST_DB,
  informix: HOST_DB,
  kafka: { required: ['host'], optional: ['format'] },
  kinesis: { required: [], optional: ['region', 'format'] },
  local: { required: ['path', 'format'], optional: [] },
  mysql: HOST_PORT_DB,
  oracle: { required: ['host', 'port', 'serviceName'], optional: [] },
  postgres: HOST_PORT_DB_SCHEMA,
  postgresql: HOST_PORT_DB_SCHEMA,
  presto: { required: ['host'], optional: ['catalog', 'schema'] },
  pubsub: { required: ['project'], optional: [] },
  redshift: { required: ['database', 'schema'], optional: ['host', 'region', 'account'] },
  s3: { required: ['location'], optional: ['endpointUrl', 'format', 'delimiter'] },
  sftp: { required: ['location'], optional: ['format', 'delimiter'] },
  snowflake: { required: ['account', 'database', 'schema'], optional: ['host', 'port', 'warehouse'] },
  sqlserver: { required: ['host', 'database', 'schema'], optional: ['port'] },
  synapse: HOST_PORT_DB,
  trino: { required: ['host', 'port', 'catalog', 'schema'], optional: [] },
  vertica: HOST_PORT_DB_SCHEMA,
  zen: HOST_DB,
};

function commonKeys(): Record<string, JsonSchema> {
  return { id: stableId, server: str, type: oneOfValues(Object.keys(SERVER_TYPES).sort()), description: str, environment: str, roles: arrayOf(role), customProperties };
}

function fieldsOf(shape: ServerShape): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  for (const key of [...shape.required, ...shape.optional]) out[key] = FIELDS[key]!;
  return out;
}

function byType(): JsonSchema[] {
  return Object.entries(SERVER_TYPES).map(([type, shape]) => {
    const keys = { ...commonKeys(), ...fieldsOf(shape) };
    if (type === 'sftp') keys['location'] = { ...uri, pattern: '^sftp://', 'x-message': '{path} of an sftp server must start with `sftp://`' };
    return {
      if: { properties: { type: { const: type } }, required: ['type'] },
      then: { ...closed(keys, shape.required), 'x-context': `servers of type \`${type}\`` },
    };
  });
}

export function serverSchema(): JsonSchema {
  return closed({ ...commonKeys(), ...FIELDS }, ['server', 'type'], { allOf: byType() });
}
