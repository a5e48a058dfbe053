// Helpers for the slice tests (not shipped behaviour): a compact ScenarioSpec builder with the DSL's default
// wiring (first step reads every source, later steps the previous one, sinks the last step, dead-letter sinks
// every step), scratch folders, and NDJSON reading.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataFormat, ScenarioSpec, SinkSpec, SourceSpec, StepSpec, TagValue } from '../../contracts/desired-state.ts';

const LOC = { file: 'pipelines/t.dsl', line: 1, col: 1 };

export interface MiniStep {
  id: string;
  name: string;
  params?: Record<string, TagValue>;
  module?: string;
  after?: string[];
}
export interface MiniSink {
  id: string;
  uri: string;
  when?: string;
  deadLetter?: boolean;
  format?: DataFormat;
  after?: string[];
}
export interface MiniScenario {
  sources: Array<{ id: string; uri: string; format?: DataFormat }>;
  steps?: MiniStep[];
  sinks: MiniSink[];
  contract?: string;
  failFast?: boolean;
  stream?: boolean;
}

const BUILTINS = new Set(['validate', 'mask', 'filter', 'map', 'route', 'dedupe', 'rename', 'cast']);

export function scenario(m: MiniScenario): ScenarioSpec {
  const sources: SourceSpec[] = m.sources.map((s) => ({ id: s.id, uri: s.uri, format: s.format ?? 'ndjson', loc: LOC }));
  const steps: StepSpec[] = (m.steps ?? []).map((s, i, all) => {
    const kind = BUILTINS.has(s.name) ? 'builtin' : 'user';
    const after = s.after ?? (i === 0 ? sources.map((x) => x.id) : [all[i - 1]!.id]);
    const base = { id: s.id, name: s.name, kind, params: s.params ?? {}, after, loc: LOC } as const;
    return kind === 'user' ? { ...base, module: s.module ?? `steps/${s.name}.ts` } : base;
  });
  const last = steps.length > 0 ? [steps[steps.length - 1]!.id] : sources.map((s) => s.id);
  const producers = steps.length > 0 ? steps.map((s) => s.id) : sources.map((s) => s.id);
  const routes = steps.filter((s) => s.name === 'route');
  const sinks: SinkSpec[] = m.sinks.map((s) => {
    const routedBy = routes.filter((r) => r.params['to'] === s.id).map((r) => r.id);
    const after = s.after ?? (s.deadLetter === true ? producers : routedBy.length > 0 ? routedBy : last);
    const base: SinkSpec = { id: s.id, uri: s.uri, format: s.format ?? 'ndjson', deadLetter: s.deadLetter ?? false, after, loc: LOC };
    return s.when === undefined ? base : { ...base, when: s.when };
  });
  return {
    id: 'test/scenario',
    pipeline: 'test',
    slug: 'scenario',
    title: 'Scenario',
    steps_text: ['Given a test'],
    herd: 'retail',
    ...(m.contract === undefined ? {} : { contract: m.contract }),
    sources,
    steps,
    sinks,
    requires: { cpu: 250, memory: 1 << 28 },
    affinity: {},
    trigger: m.stream === true ? { kind: 'stream' } : { kind: 'manual' },
    parallel: { n: 1 },
    failFast: m.failFast ?? false,
    loc: LOC,
    specHash: 'test',
  };
}

export async function scratchDir(prefix: string): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `slice-${prefix}-`));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

export async function readNdjson(path: string): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(path, 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

export function ndjson(records: readonly unknown[]): string {
  return records.map((r) => JSON.stringify(r) + '\n').join('');
}

/** A contract document with one schema object, enough for validate and mask. */
export function contractDoc(properties: Array<Record<string, unknown>>): { document: Record<string, unknown> } {
  return { document: { apiVersion: 'v3.1.0', kind: 'DataContract', id: 'c', version: '1.0.0', status: 'active', schema: [{ name: 'things', logicalType: 'object', properties }] } };
}
