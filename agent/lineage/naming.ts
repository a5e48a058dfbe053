// OpenLineage names for Runink jobs and datasets (see README "Naming"). Pure.
//
// Datasets: OpenLineage names a dataset by its datasource (namespace = `scheme://authority`) and a path within
// it (name). A Runink file dataset lives in a herd's data root, whichever agent machine a slice runs on, so the
// datasource is the herd, not the host: namespace `runink://<herd>`, name = the path relative to the herd's
// data root (`bronze/orders/live.ndjson`). `namespace + "/" + name` is the dataset's URI. A path under
// `shared/<other>/` is the other herd's dataset (the read-only shared view), so a reader in finance and the
// writer in retail name the same dataset. `stdin:`/`stdout:` are per-scenario streams:
// `stdin/<scenario id>/<node id>` in the scenario's herd.
//
// Jobs: namespace = `<project>/<herd>` (the scheduler's scope), name = the scenario id `<pipeline>/<slug>`.

export interface DatasetName {
  readonly namespace: string;
  readonly name: string;
}

export const DATASET_SCHEME = 'runink';

export function herdNamespace(herd: string): string {
  return `${DATASET_SCHEME}://${herd}`;
}

/** The OpenLineage name of a source or sink URI of a scenario in `herd`. */
export function datasetName(herd: string, uri: string, scenarioId: string, nodeId: string): DatasetName {
  if (uri.startsWith('file://')) {
    const path = stripLeadingSlashes(uri.slice('file://'.length));
    const shared = /^shared\/([^/]+)\/(.+)$/.exec(path);
    if (shared?.[1] !== undefined && shared[2] !== undefined) return { namespace: herdNamespace(shared[1]), name: shared[2] };
    return { namespace: herdNamespace(herd), name: path };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1] ?? 'stream';
  return { namespace: herdNamespace(herd), name: `${scheme.toLowerCase()}/${scenarioId}/${nodeId}` };
}

/** Names of the files a glob or folder source actually read, relative to the herd's data root. */
export function resolvedDatasetName(herd: string, path: string): DatasetName {
  return datasetName(herd, `file://${path}`, '', '');
}

export function jobNamespace(project: string, herd: string): string {
  return `${project}/${herd}`;
}

function stripLeadingSlashes(path: string): string {
  return path.replace(/^\/+/, '');
}
