// The static lineage graph of a desired state: which scenario reads and writes which dataset, before anything
// runs. A dataset is identified by where it lives: `<herd>:<path>` for `file://` URIs (paths are relative to
// the herd's data root), or the URI itself for streams (`stdin:`, `stdout:`). A herd reads another herd's
// data through `shared/<other-herd>/<path>` in its own data root (a read-only view of the other herd's data
// root), so that path is the other herd's dataset `<other-herd>:<path>`. Pure and deterministic.
import type { DesiredState, ScenarioSpec } from '../../contracts/desired-state.ts';

export interface GraphNode {
  readonly id: string;
  readonly kind: 'dataset' | 'scenario';
  readonly label: string;
  readonly herd: string;
  /** Contract governing the dataset, when a source or sink names one. */
  readonly contract?: string;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  /** `reads` (dataset → scenario), `writes` (scenario → dataset), or `matches` (a written file → the glob or
   * folder a source reads it through). */
  readonly kind: 'reads' | 'writes' | 'matches';
  readonly deadLetter?: boolean;
}

export interface LineageGraph {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

export function datasetId(herd: string, uri: string): string {
  if (!uri.startsWith('file://')) return uri;
  const path = uri.slice('file://'.length);
  const shared = /^shared\/([^/]+)\/(.+)$/.exec(path);
  return shared ? `${shared[1]}:${shared[2]}` : `${herd}:${path}`;
}

export function staticGraph(state: DesiredState): LineageGraph {
  const nodes = new Map<string, GraphNode>();
  const edges: GraphEdge[] = [];
  const dataset = (s: ScenarioSpec, uri: string, contract: string | undefined): string => {
    const id = datasetId(s.herd, uri);
    const existing = nodes.get(id);
    if (existing === undefined || (existing.contract === undefined && contract !== undefined)) {
      const owner = id.includes(':') && uri.startsWith('file://') ? id.slice(0, id.indexOf(':')) : s.herd;
      const label = uri.startsWith('file://') ? id.slice(id.indexOf(':') + 1) : uri;
      nodes.set(id, { id, kind: 'dataset', label, herd: owner, ...(contract === undefined ? {} : { contract }) });
    }
    return id;
  };
  for (const p of Object.values(state.pipelines)) {
    for (const s of p.scenarios) {
      nodes.set(s.id, { id: s.id, kind: 'scenario', label: s.title, herd: s.herd });
      for (const src of s.sources) edges.push({ from: dataset(s, src.uri, src.contract ?? s.contract), to: s.id, kind: 'reads' });
      for (const sink of s.sinks) {
        edges.push({ from: s.id, to: dataset(s, sink.uri, sink.contract), kind: 'writes', ...(sink.deadLetter ? { deadLetter: true } : {}) });
      }
    }
  }
  // A source that reads a glob or a folder reads every dataset written at a path it matches.
  for (const pattern of nodes.values()) {
    const matcher = pattern.kind === 'dataset' ? globMatcher(pattern.id) : undefined;
    if (matcher === undefined) continue;
    for (const file of nodes.values()) {
      if (file.kind === 'dataset' && file.id !== pattern.id && globMatcher(file.id) === undefined && matcher.test(file.id)) {
        edges.push({ from: file.id, to: pattern.id, kind: 'matches' });
      }
    }
  }
  const sortedEdges = edges.sort((a, b) => `${a.from}\0${a.to}`.localeCompare(`${b.from}\0${b.to}`));
  return { nodes: [...nodes.values()].sort((a, b) => a.id.localeCompare(b.id)), edges: sortedEdges };
}

/** Mermaid flowchart: datasets as cylinders, scenarios as boxes, one subgraph per herd. */
export function toMermaid(graph: LineageGraph): string {
  const ids = new Map(graph.nodes.map((n, i) => [n.id, `${n.kind === 'dataset' ? 'd' : 's'}${i}`]));
  const lines = ['flowchart LR'];
  const herds = [...new Set(graph.nodes.map((n) => n.herd))].sort();
  for (const herd of herds) {
    lines.push(`  subgraph ${safe(herd)}["herd ${escape(herd)}"]`);
    for (const n of graph.nodes.filter((x) => x.herd === herd)) {
      const label = n.kind === 'dataset' ? `${n.label}${n.contract ? `<br/>contract ${n.contract}` : ''}` : `${n.id}`;
      lines.push(n.kind === 'dataset' ? `    ${ids.get(n.id)}[("${escape(label)}")]` : `    ${ids.get(n.id)}["${escape(label)}"]`);
    }
    lines.push('  end');
  }
  for (const e of graph.edges) {
    const arrow = e.kind === 'matches' ? '-. matches .->' : e.deadLetter ? '-. dead letter .->' : '-->';
    lines.push(`  ${ids.get(e.from)} ${arrow} ${ids.get(e.to)}`);
  }
  return `${lines.join('\n')}\n`;
}

function escape(text: string): string {
  return text.replace(/"/g, '#quot;');
}

function safe(text: string): string {
  return `herd_${text.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

/** A matcher for dataset ids that are globs (`*`, `?`, `**`) or folders (ending in `/`); undefined otherwise. */
function globMatcher(id: string): RegExp | undefined {
  if (!/[*?]|\/$/.test(id)) return undefined;
  let re = '';
  for (let i = 0; i < id.length; i++) {
    const ch = id[i]!;
    if (ch === '*' && id[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}${id.endsWith('/') ? '.+' : ''}$`);
}
