// The OpenLineage 2-0-2 object model as TypeScript: only what Runink emits is typed precisely; every facet
// carries `_producer` and `_schemaURL` (BaseFacet). Plain JSON data, no classes.

export type RunEventType = 'START' | 'RUNNING' | 'COMPLETE' | 'ABORT' | 'FAIL' | 'OTHER';

export interface BaseFacet {
  readonly _producer: string;
  readonly _schemaURL: string;
  readonly [key: string]: unknown;
}

export type Facets = Readonly<Record<string, BaseFacet>>;

export interface OlRun {
  readonly runId: string;
  readonly facets?: Facets;
}

export interface OlJob {
  readonly namespace: string;
  readonly name: string;
  readonly facets?: Facets;
}

export interface OlDataset {
  readonly namespace: string;
  readonly name: string;
  readonly facets?: Facets;
}

export interface OlInputDataset extends OlDataset {
  readonly inputFacets?: Facets;
}

export interface OlOutputDataset extends OlDataset {
  readonly outputFacets?: Facets;
}

export interface RunEvent {
  readonly eventType: RunEventType;
  readonly eventTime: string;
  readonly run: OlRun;
  readonly job: OlJob;
  readonly inputs: readonly OlInputDataset[];
  readonly outputs: readonly OlOutputDataset[];
  readonly producer: string;
  readonly schemaURL: string;
}
