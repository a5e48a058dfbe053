// The official schema URLs: the core event schema and, for each facet Runink emits, `<facet file $id>#/$defs/
// <definition>` exactly as the published facet schemas (../shared/conformance/openlineage/spec/facets) declare
// them, plus the producer URL that identifies Runink in every event and facet.
import type { BaseFacet } from './openlineage-types.ts';

export const OPENLINEAGE_CORE_ID = 'https://openlineage.io/spec/2-0-2/OpenLineage.json';
export const RUN_EVENT_SCHEMA_URL = `${OPENLINEAGE_CORE_ID}#/$defs/RunEvent`;

/** Facet definition → the `$id` of the facet schema file that defines it (copied from the facet files). */
export const FACET_SCHEMA_IDS = {
  JobTypeJobFacet: 'https://openlineage.io/spec/facets/2-0-4/JobTypeJobFacet.json',
  SourceCodeLocationJobFacet: 'https://openlineage.io/spec/facets/1-1-0/SourceCodeLocationJobFacet.json',
  DocumentationJobFacet: 'https://openlineage.io/spec/facets/1-1-0/DocumentationJobFacet.json',
  ErrorMessageRunFacet: 'https://openlineage.io/spec/facets/1-0-1/ErrorMessageRunFacet.json',
  ParentRunFacet: 'https://openlineage.io/spec/facets/1-2-0/ParentRunFacet.json',
  NominalTimeRunFacet: 'https://openlineage.io/spec/facets/1-0-1/NominalTimeRunFacet.json',
  SchemaDatasetFacet: 'https://openlineage.io/spec/facets/1-2-0/SchemaDatasetFacet.json',
  DatasourceDatasetFacet: 'https://openlineage.io/spec/facets/1-0-1/DatasourceDatasetFacet.json',
  DocumentationDatasetFacet: 'https://openlineage.io/spec/facets/1-1-0/DocumentationDatasetFacet.json',
  DataQualityAssertionsDatasetFacet: 'https://openlineage.io/spec/facets/1-1-0/DataQualityAssertionsDatasetFacet.json',
  OutputStatisticsOutputDatasetFacet: 'https://openlineage.io/spec/facets/1-0-2/OutputStatisticsOutputDatasetFacet.json',
  InputStatisticsInputDatasetFacet: 'https://openlineage.io/spec/facets/1-0-0/InputStatisticsInputDatasetFacet.json',
} as const;

export type FacetDefinition = keyof typeof FACET_SCHEMA_IDS;

export function facetSchemaUrl(definition: FacetDefinition): string {
  return `${FACET_SCHEMA_IDS[definition]}#/$defs/${definition}`;
}

/** Runink's version as it appears in the producer URL; kept equal to package.json's `version`. */
export const RUNINK_VERSION = '0.1.0';

/** The `producer` of every event and the `_producer` of every facet Runink writes. */
export function producerUrl(version: string = RUNINK_VERSION): string {
  return `https://runink.dev/producer/runi/v${version}`;
}

/** A facet: its fields plus the base fields every facet needs. */
export function facet(definition: FacetDefinition, producer: string, fields: Readonly<Record<string, unknown>>): BaseFacet {
  return { _producer: producer, _schemaURL: facetSchemaUrl(definition), ...fields };
}
