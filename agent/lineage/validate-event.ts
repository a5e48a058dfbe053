// Validates an OpenLineage event against the official schemas in a conformance folder: the core (2-0-2) and,
// for each facet, the standard facet schema that defines it. The facet schema is found from the facet's
// `_schemaURL` when it names a loaded schema, else from its key and where it sits (run, job, dataset, input or
// output facets), so a facet with an older `_schemaURL` is still checked. Facets no standard schema defines
// (custom facets) are checked by the core only and listed as unchecked. Loading does file I/O; validating is
// pure. No network: the facet schemas `$ref` the core by its absolute `$id`, registered first.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ajv2020 from 'ajv/dist/2020.js';
import type { ErrorObject } from 'ajv';
import ajvFormats from 'ajv-formats';
import { LINEAGE_CODES, lineageError } from './errors.ts';

export type FacetLocation = 'run' | 'job' | 'dataset' | 'input' | 'output';

export interface EventProblem {
  readonly code: string;
  /** JSON pointer into the event. */
  readonly path: string;
  readonly message: string;
}

export interface CheckedFacet {
  readonly path: string;
  readonly key: string;
  /** `<facet file $id>#/$defs/<definition>` the facet was checked against; absent for unchecked facets. */
  readonly schema?: string;
}

export interface EventValidation {
  readonly ok: boolean;
  readonly problems: readonly EventProblem[];
  readonly facets: readonly CheckedFacet[];
}

interface FacetSchema {
  readonly id: string;
  readonly definition: string;
  readonly validate: (v: unknown) => boolean;
  readonly errors: () => ErrorObject[] | null | undefined;
}

export interface OpenLineageSchemas {
  readonly coreId: string;
  /** Facet file `$id`s by file name (without `.json`). */
  readonly files: Readonly<Record<string, string>>;
  validateEvent(event: unknown): EventValidation;
  /** Validates a facets object (`{ "<key>": facet }`) against one facet file's schema, as the spec's tests do. */
  validateFacetFile(file: string, facets: unknown): readonly EventProblem[];
}

const KIND_LOCATION: Readonly<Record<string, FacetLocation>> = {
  RunFacet: 'run',
  JobFacet: 'job',
  DatasetFacet: 'dataset',
  InputDatasetFacet: 'input',
  OutputDatasetFacet: 'output',
};

/** Where to look, in order, for the schema of a facet found at each place in an event. */
const LOOKUP: Readonly<Record<FacetLocation, readonly FacetLocation[]>> = {
  run: ['run'],
  job: ['job'],
  dataset: ['dataset', 'input', 'output'],
  input: ['input', 'dataset'],
  output: ['output', 'dataset'],
};

/** `dir` is the conformance folder (holding `openlineage/spec/`) or the spec folder itself. */
export function loadOpenLineageSchemas(dir: string): OpenLineageSchemas {
  const spec = existsSync(join(dir, 'OpenLineage.json')) ? dir : join(dir, 'openlineage', 'spec');
  const corePath = join(spec, 'OpenLineage.json');
  const facetDir = join(spec, 'facets');
  if (!existsSync(corePath) || !existsSync(facetDir)) {
    throw lineageError(LINEAGE_CODES.SCHEMAS_MISSING, `no OpenLineage schemas under ${spec} (expected OpenLineage.json and facets/)`, { dir: spec });
  }
  const ajv = new ajv2020.default({ allErrors: true, strict: false, validateFormats: true });
  ajvFormats.default(ajv);
  const core = JSON.parse(readFileSync(corePath, 'utf8')) as { $id: string };
  ajv.addSchema(core);
  const files: Record<string, string> = {};
  const raw: { name: string; schema: { $id: string; $defs?: Record<string, unknown>; properties?: Record<string, unknown> } }[] = [];
  for (const name of readdirSync(facetDir).filter((f) => f.endsWith('.json')).sort()) {
    const schema = JSON.parse(readFileSync(join(facetDir, name), 'utf8')) as (typeof raw)[number]['schema'];
    ajv.addSchema(schema);
    files[name.replace(/\.json$/, '')] = schema.$id;
    raw.push({ name: name.replace(/\.json$/, ''), schema });
  }
  const byUrl = new Map<string, FacetSchema>();
  const byPlace = new Map<string, FacetSchema>();
  const defSchema = (id: string, definition: string): FacetSchema => {
    const url = `${id}#/$defs/${definition}`;
    let s = byUrl.get(url);
    if (s === undefined) {
      const v = ajv.compile({ $ref: url });
      s = { id, definition, validate: (x) => v(x) as boolean, errors: () => v.errors };
      byUrl.set(url, s);
    }
    return s;
  };
  for (const { schema } of raw) {
    for (const [key, prop] of Object.entries(schema.properties ?? {})) {
      for (const definition of refsOf(prop)) {
        const kind = coreKind(schema.$defs?.[definition], core.$id);
        const location = kind === undefined ? undefined : KIND_LOCATION[kind];
        if (location !== undefined && !byPlace.has(`${location}:${key}`)) byPlace.set(`${location}:${key}`, defSchema(schema.$id, definition));
      }
    }
  }
  const knownIds = new Set(Object.values(files));
  const coreValidate = ajv.compile({ $ref: core.$id });
  const fileValidators = new Map<string, ReturnType<typeof ajv.compile>>();

  const checkFacet = (problems: EventProblem[], facets: CheckedFacet[], path: string, key: string, value: unknown, location: FacetLocation): void => {
    const url = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)['_schemaURL'] : undefined;
    let schema: FacetSchema | undefined;
    if (typeof url === 'string') {
      const [base, fragment] = url.split('#', 2) as [string, string | undefined];
      if (knownIds.has(base)) {
        const definition = fragment?.startsWith('/$defs/') ? fragment.slice('/$defs/'.length) : undefined;
        const file = raw.find((r) => r.schema.$id === base);
        if (definition !== undefined && file?.schema.$defs?.[definition] !== undefined) schema = defSchema(base, definition);
        else if (definition !== undefined) {
          problems.push({ code: LINEAGE_CODES.FACET_SCHEMA_URL, path: `${path}/_schemaURL`, message: `${url} names no definition in ${base}` });
        }
      }
    }
    schema ??= LOOKUP[location].map((l) => byPlace.get(`${l}:${key}`)).find((s) => s !== undefined);
    facets.push({ path, key, ...(schema === undefined ? {} : { schema: `${schema.id}#/$defs/${schema.definition}` }) });
    if (schema !== undefined && !schema.validate(value)) problems.push(...toProblems(LINEAGE_CODES.FACET_SCHEMA, path, schema.errors()));
  };

  return {
    coreId: core.$id,
    files,
    validateEvent(event: unknown): EventValidation {
      const problems: EventProblem[] = [];
      const facets: CheckedFacet[] = [];
      if (!coreValidate(event)) problems.push(...toProblems(LINEAGE_CODES.EVENT_SCHEMA, '', coreValidate.errors));
      for (const [path, key, value, location] of facetsOf(event)) checkFacet(problems, facets, path, key, value, location);
      return { ok: problems.length === 0, problems, facets };
    },
    validateFacetFile(file: string, value: unknown): readonly EventProblem[] {
      const id = files[file];
      if (id === undefined) return [{ code: LINEAGE_CODES.SCHEMAS_MISSING, path: '', message: `no facet schema named ${file}` }];
      let v = fileValidators.get(id);
      if (v === undefined) {
        v = ajv.compile({ $ref: id });
        fileValidators.set(id, v);
      }
      return v(value) ? [] : toProblems(LINEAGE_CODES.FACET_SCHEMA, '', v.errors);
    },
  };
}

function refsOf(prop: unknown): string[] {
  if (typeof prop !== 'object' || prop === null) return [];
  const p = prop as { $ref?: string; anyOf?: unknown[]; oneOf?: unknown[] };
  const local = (r: string | undefined): string[] => (r?.startsWith('#/$defs/') ? [r.slice('#/$defs/'.length)] : []);
  return [...local(p.$ref), ...[...(p.anyOf ?? []), ...(p.oneOf ?? [])].flatMap(refsOf)];
}

/** The core facet kind (`RunFacet`, `JobFacet`, …) a facet definition extends through `allOf`. */
function coreKind(def: unknown, coreId: string): string | undefined {
  const allOf = (def as { allOf?: { $ref?: string }[] } | undefined)?.allOf ?? [];
  for (const part of allOf) {
    const prefix = `${coreId}#/$defs/`;
    if (part.$ref?.startsWith(prefix)) return part.$ref.slice(prefix.length);
  }
  return undefined;
}

type FacetEntry = [path: string, key: string, value: unknown, location: FacetLocation];

function facetsOf(event: unknown): FacetEntry[] {
  const out: FacetEntry[] = [];
  const e = (event ?? {}) as Record<string, unknown>;
  const add = (holder: unknown, base: string, location: FacetLocation): void => {
    if (typeof holder !== 'object' || holder === null || Array.isArray(holder)) return;
    for (const [key, value] of Object.entries(holder)) out.push([`${base}/${escapePointer(key)}`, key, value, location]);
  };
  add((e['run'] as Record<string, unknown> | undefined)?.['facets'], '/run/facets', 'run');
  add((e['job'] as Record<string, unknown> | undefined)?.['facets'], '/job/facets', 'job');
  for (const side of ['inputs', 'outputs'] as const) {
    const list = Array.isArray(e[side]) ? (e[side] as unknown[]) : [];
    list.forEach((d, i) => {
      const ds = (d ?? {}) as Record<string, unknown>;
      add(ds['facets'], `/${side}/${i}/facets`, 'dataset');
      if (side === 'inputs') add(ds['inputFacets'], `/inputs/${i}/inputFacets`, 'input');
      else add(ds['outputFacets'], `/outputs/${i}/outputFacets`, 'output');
    });
  }
  const dataset = e['dataset'] as Record<string, unknown> | undefined;
  add(dataset?.['facets'], '/dataset/facets', 'dataset');
  return out;
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function toProblems(code: string, base: string, errors: ErrorObject[] | null | undefined): EventProblem[] {
  return (errors ?? []).map((err) => ({ code, path: `${base}${err.instancePath}`, message: `${err.instancePath || '/'} ${err.message ?? 'is invalid'}${paramsText(err)}` }));
}

function paramsText(err: ErrorObject): string {
  const p = err.params as Record<string, unknown>;
  if (typeof p['missingProperty'] === 'string') return ` (\`${p['missingProperty']}\`)`;
  if (Array.isArray(p['allowedValues'])) return ` (${p['allowedValues'].join(', ')})`;
  if (typeof p['format'] === 'string') return ` (format ${p['format']})`;
  return '';
}
