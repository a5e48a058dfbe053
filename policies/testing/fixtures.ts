// Builders for the plain data the policies decide on (HerdSpec, ScenarioSpec, ContractEntry, ContractVerdict,
// Subject), from the compact YAML shorthand used in policies/testdata. Test-only; missing fields get
// harmless defaults so each case states only what matters to it.
import { parse } from 'yaml';
import { parseCpu, parseMemory } from '../../common/quantity.ts';
import type { ContractChange, ContractDiff } from '../../contracts/contract-change.ts';
import type { ContractEntry, HerdSpec, Permission, PipelineSpec, ScenarioSpec } from '../../contracts/desired-state.ts';
import type { ChangeKind, ContractVerdict } from '../../contracts/plan.ts';
import type { Subject } from '../subject.ts';

type Obj = Record<string, unknown>;

export function parseYamlObject(text: string): Obj {
  const v: unknown = parse(text);
  return typeof v === 'object' && v !== null ? (v as Obj) : {};
}

const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null ? (v as Obj) : {});
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
const cpu = (v: unknown, d: number): number => (v === undefined ? d : (parseCpu(String(v)) ?? Number.NaN));
const memory = (v: unknown, d: number): number => (v === undefined ? d : (parseMemory(String(v)) ?? Number.NaN));

/** `{retail: {quotas: {cpu: 2, memory: 4Gi, slices: 4}, contractApprovers: [...], roles: {viewer: {members, permissions}}}}` */
export function herdsFrom(spec: unknown): Record<string, HerdSpec> {
  const out: Record<string, HerdSpec> = {};
  for (const [name, raw] of Object.entries(obj(spec))) {
    const h = obj(raw);
    const q = obj(h['quotas']);
    out[name] = {
      name,
      file: `herds/${name}.yaml`,
      quotas: { cpu: cpu(q['cpu'], 4000), memory: memory(q['memory'], 8 * 1024 ** 3), slices: Number(q['slices'] ?? 10), pids: 256 },
      roles: Object.entries(obj(h['roles'])).map(([role, r]) => ({
        name: role,
        members: strings(obj(r)['members']),
        permissions: strings(obj(r)['permissions']) as Permission[],
      })),
      contractApprovers: strings(h['contractApprovers']),
      isolation: 'required',
      network: false,
      retention: { runs: 10, lineageDays: 30 },
    };
  }
  return out;
}

/** `{"orders/daily": {herd: retail, cpu: 500m, memory: 1Gi, n: 2, line: 3}}` grouped into pipelines. */
export function pipelinesFrom(spec: unknown): Record<string, PipelineSpec> {
  const byPipeline = new Map<string, ScenarioSpec[]>();
  for (const [id, raw] of Object.entries(obj(spec))) {
    const s = obj(raw);
    const [pipeline = id, slug = 'default'] = id.split('/');
    const file = `pipelines/${pipeline}.dsl`;
    const scenario: ScenarioSpec = {
      id,
      pipeline,
      slug,
      title: slug,
      steps_text: [],
      herd: String(s['herd'] ?? 'default'),
      sources: [],
      steps: [],
      sinks: [],
      requires: { cpu: cpu(s['cpu'], 100), memory: memory(s['memory'], 64 * 1024 ** 2) },
      affinity: {},
      trigger: { kind: 'manual' },
      parallel: { n: Number(s['n'] ?? 1) },
      failFast: false,
      loc: { file, line: Number(s['line'] ?? 1), col: 1 },
      specHash: `hash-${id}`,
    };
    byPipeline.set(pipeline, [...(byPipeline.get(pipeline) ?? []), scenario]);
  }
  const out: Record<string, PipelineSpec> = {};
  for (const [name, scenarios] of byPipeline) {
    out[name] = { name, file: `pipelines/${name}.dsl`, title: name, description: '', scenarios };
  }
  return out;
}

/** `{orders: {herd: retail, roles: [{role: owner, firstLevelApprovers: bob}]}}` */
export function contractsFrom(spec: unknown): Record<string, ContractEntry> {
  const out: Record<string, ContractEntry> = {};
  for (const [name, raw] of Object.entries(obj(spec))) {
    const c = obj(raw);
    const document: Obj = { apiVersion: 'v3.1.0', kind: 'DataContract', id: name, version: '1.0.0', status: 'active' };
    if (c['roles'] !== undefined) document['roles'] = c['roles'];
    out[name] = {
      name,
      file: `contracts/${name}.odcs.yaml`,
      id: name,
      version: '1.0.0',
      apiVersion: 'v3.1.0',
      datasets: [name],
      herd: String(c['herd'] ?? 'default'),
      hash: `hash-${name}`,
      document,
    };
  }
  return out;
}

/** `[{kind: changed, name: orders, herd: retail, verdict: breaking, changes: ["FIELD_REMOVED a.b"], downstream: [x/y]}]`;
 * `verdict: none` leaves the diff out. Each change is `CODE path` (breaking unless the verdict says otherwise). */
export function verdictsFrom(spec: unknown): ContractVerdict[] {
  return (Array.isArray(spec) ? spec : []).map((raw) => {
    const v = obj(raw);
    const name = String(v['name']);
    const verdict = String(v['verdict'] ?? 'non-breaking');
    const base = {
      kind: String(v['kind'] ?? 'changed') as ChangeKind,
      name,
      file: `contracts/${name}.odcs.yaml`,
      herd: String(v['herd'] ?? 'default'),
      downstream: strings(v['downstream']),
    };
    return verdict === 'none' ? base : { ...base, diff: diffFrom(verdict, strings(v['changes']), v) };
  });
}

function diffFrom(verdict: string, changes: readonly string[], v: Obj): ContractDiff {
  const impact = verdict === 'breaking' || verdict === 'warning' ? verdict : 'non-breaking';
  return {
    changes: changes.map((text): ContractChange => {
      const [code = 'CHANGED', path = ''] = text.split(/\s+/);
      return { code, impact, path, message: text };
    }),
    verdict: verdict as ContractDiff['verdict'],
    versionBefore: String(v['before'] ?? '1.0.0'),
    versionAfter: String(v['after'] ?? '2.0.0'),
    missingMajorBump: false,
  };
}

/** `alice +acme/data-eng +acme/ops` → a Subject; returns the tokens that follow the subject too. */
export function subjectFrom(tokens: readonly string[]): { subject: Subject; rest: string[] } {
  const [login = '', ...more] = tokens;
  const teams: string[] = [];
  let i = 0;
  while (i < more.length && more[i]!.startsWith('+')) teams.push(more[i++]!.slice(1));
  return { subject: { login, teams }, rest: more.slice(i) };
}
