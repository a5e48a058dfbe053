// Input and output datasets of a scenario run with their facets: `schema` and `documentation` from the
// governing contract, `dataSource`, statistics (`inputStatistics` / `outputStatistics`) and the validate
// steps' `dataQualityAssertions` (an input facet on sources; a dataset facet on sinks). Pure.
import type { ContractEntry, ScenarioSpec, SinkSpec, SourceSpec } from '../../contracts/desired-state.ts';
import type { OdcsDocument } from '../../contracts/odcs/types.ts';
import { facet } from './facet-urls.ts';
import { datasetName, resolvedDatasetName, type DatasetName } from './naming.ts';
import type { BaseFacet, OlInputDataset, OlOutputDataset } from './openlineage-types.ts';
import { dataQualityAssertionsFacet } from './quality-facet.ts';
import type { DatasetStats, EventInput } from './run-inputs.ts';
import { datasetDocumentationFacet, schemaFacet, schemaObjectFor } from './schema-facet.ts';

type Contracts = Readonly<Record<string, ContractEntry>>;

/** The contract a sink's records conform to: its own, else (for sinks other than dead-letter ones) the contract
 * of the nearest validate step upstream, else the scenario's `@contract`. */
export function sinkContract(scenario: ScenarioSpec, sink: SinkSpec): string | undefined {
  if (sink.contract !== undefined) return sink.contract;
  if (sink.deadLetter) return undefined;
  const steps = new Map(scenario.steps.map((s) => [s.id, s]));
  const queue = [...sink.after];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const id = queue.shift() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    const step = steps.get(id);
    if (step === undefined) continue;
    const c = step.params['contract'];
    if (step.name === 'validate' && typeof c === 'string') return c;
    queue.push(...step.after);
  }
  return scenario.contract;
}

function filePath(uri: string): string | undefined {
  return uri.startsWith('file://') ? uri.slice('file://'.length) : undefined;
}

function staticFacets(producer: string, name: DatasetName, entry: ContractEntry | undefined, path: string | undefined): Record<string, BaseFacet> {
  const out: Record<string, BaseFacet> = {};
  if (entry !== undefined) {
    const doc = entry.document as OdcsDocument;
    const object = schemaObjectFor(doc, path);
    if (object !== undefined) out['schema'] = schemaFacet(producer, object);
    const documentation = datasetDocumentationFacet(producer, doc, object);
    if (documentation !== undefined) out['documentation'] = documentation;
  }
  out['dataSource'] = facet('DatasourceDatasetFacet', producer, { name: name.namespace, uri: name.namespace });
  return out;
}

function statistics(s: { records?: number; bytes?: number }, files?: number): Record<string, number> {
  return {
    ...(s.records === undefined ? {} : { rowCount: s.records }),
    ...(s.bytes === undefined ? {} : { size: s.bytes }),
    ...(files === undefined ? {} : { fileCount: files }),
  };
}

export function inputDatasets(producer: string, scenario: ScenarioSpec, contracts: Contracts, input: EventInput): OlInputDataset[] {
  return scenario.sources.flatMap((src) => inputsOf(producer, scenario, contracts, input, src));
}

function inputsOf(producer: string, scenario: ScenarioSpec, contracts: Contracts, input: EventInput, src: SourceSpec): OlInputDataset[] {
  const entry = src.contract === undefined ? undefined : contracts[src.contract];
  const stats: DatasetStats | undefined = input.stats?.inputs?.[src.id];
  const quality = input.quality?.[src.id];
  const one = (name: DatasetName, path: string | undefined, counts: { records?: number; bytes?: number } | undefined, files?: number): OlInputDataset => {
    const inputFacets: Record<string, BaseFacet> = {};
    if (counts !== undefined && (counts.records !== undefined || counts.bytes !== undefined)) {
      inputFacets['inputStatistics'] = facet('InputStatisticsInputDatasetFacet', producer, statistics(counts, files));
    }
    if (quality !== undefined && quality.length > 0) inputFacets['dataQualityAssertions'] = dataQualityAssertionsFacet(producer, quality);
    return {
      namespace: name.namespace,
      name: name.name,
      facets: staticFacets(producer, name, entry, path),
      ...(Object.keys(inputFacets).length === 0 ? {} : { inputFacets }),
    };
  };
  if (stats?.files !== undefined && stats.files.length > 0) {
    return stats.files.map((f) => one(resolvedDatasetName(scenario.herd, f.path), f.path, f));
  }
  return [one(datasetName(scenario.herd, src.uri, scenario.id, src.id), filePath(src.uri), stats, stats?.files?.length)];
}

export function outputDatasets(producer: string, scenario: ScenarioSpec, contracts: Contracts, input: EventInput): OlOutputDataset[] {
  return scenario.sinks.map((sink) => {
    const contract = sinkContract(scenario, sink);
    const entry = contract === undefined ? undefined : contracts[contract];
    const name = datasetName(scenario.herd, sink.uri, scenario.id, sink.id);
    const facets = staticFacets(producer, name, entry, filePath(sink.uri));
    const quality = input.quality?.[sink.id];
    if (quality !== undefined && quality.length > 0) facets['dataQualityAssertions'] = dataQualityAssertionsFacet(producer, quality);
    const stats = input.stats?.outputs?.[sink.id];
    return {
      namespace: name.namespace,
      name: name.name,
      facets,
      ...(stats === undefined
        ? {}
        : { outputFacets: { outputStatistics: facet('OutputStatisticsOutputDatasetFacet', producer, statistics(stats, stats.files?.length)) } }),
    };
  });
}
