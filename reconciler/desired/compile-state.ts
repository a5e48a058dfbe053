// Compiles one view of a pipeline repository (a commit or a working tree) into a DesiredState.
//
// Order: runink.yaml (it names the folders) → herds → contracts → user steps → pipelines, because a pipeline
// compiles against the herds, contracts and steps of the same commit. Every file is compiled through the
// CompileCache: each folder by its tree oid (pipelines/ and each of its subfolders also by the context
// fingerprint), so an unchanged folder is not even listed; inside a changed folder, each file whose blob oid is
// unchanged reuses its result from the folder's previous compile.
// The context fingerprint covers herd names, contract names/datasets/fields and user step hashes: changing
// one of those recompiles every pipeline (a pipeline may refer to any of them); editing a pipeline does not.
// Invalid input never throws: it becomes Problems in the state, and a state with errors is never applied.
import { posix } from 'node:path';
import { canonicalJson, sha256 } from '../../common/canonical-json.ts';
import { problem, sortProblems, type Problem } from '../../common/problem.ts';
import type { ContractEntry, DesiredState, HerdSpec, PipelineSpec, ProjectSpec } from '../../contracts/desired-state.ts';
import { loadHerd } from '../../contracts/manifests/load-herd.ts';
import { loadProject } from '../../contracts/manifests/load-project.ts';
import { validateContract } from '../../contracts/odcs/validate-contract.ts';
import { admit } from '../../policies/admit.ts';
import { compilePipeline, type CompileContext } from '../dsl/compiler.ts';
import type { RepoEntry, RepoReader } from '../source/repo-reader.ts';
import { CompileCache } from './compile-cache.ts';
import { contractEntry } from './contract-entry.ts';
import { readText } from './read-text.ts';

export const PROJECT_FILE = 'runink.yaml';

interface Compiled<T> {
  readonly value?: T;
  readonly problems: readonly Problem[];
}

export async function compileRepo(reader: RepoReader, cache: CompileCache = new CompileCache()): Promise<DesiredState> {
  if (reader.id === 'EMPTY') return emptyState();
  const problems: Problem[] = [];
  const root = await reader.list('');
  const projectEntry = root.find((e) => e.name === PROJECT_FILE);
  let project = defaultProject();
  if (projectEntry === undefined) {
    problems.push(problem('REPO_NO_PROJECT', `${PROJECT_FILE} not found at the repository root`, { file: PROJECT_FILE }, { hint: 'run `runi init` or add a kind: Project manifest' }));
  } else {
    const p = await compileFile(reader, cache, 'project', projectEntry, (file, text) => {
      const r = loadProject(file, text);
      return { value: r.project, problems: r.problems };
    });
    problems.push(...p.problems);
    if (p.value) project = p.value;
  }

  const herds = await compileFolder(reader, cache, project.folders.herds, isYaml, 'herd', problems, (file, text) => {
    const r = loadHerd(file, text);
    return { value: r.herd, problems: r.problems };
  });
  const herdMap: Record<string, HerdSpec> = {};
  for (const h of herds) herdMap[h.name] = h;
  if (projectEntry !== undefined && herdMap[project.defaultHerd] === undefined && herds.length > 0) {
    problems.push(problem('REPO_UNKNOWN_DEFAULT_HERD', `defaultHerd \`${project.defaultHerd}\` has no file ${project.folders.herds}/${project.defaultHerd}.yaml`, { file: PROJECT_FILE, line: 1, col: 1 }));
  }

  const contracts = await compileFolder(reader, cache, project.folders.contracts, (n) => n.endsWith('.odcs.yaml') || n.endsWith('.odcs.yml'), 'contract', problems, (file, text) => {
    const r = validateContract(file, text);
    return { value: r.document ? contractEntry(file, r.document, project.defaultHerd, text) : undefined, problems: r.problems };
  });
  const contractMap: Record<string, ContractEntry> = {};
  for (const c of contracts) contractMap[c.name] = c;

  const stepModules: Record<string, string> = {};
  const userSteps = new Map<string, { module: string; hash: string }>();
  for (const e of await reader.list(project.folders.steps)) {
    if (e.kind === 'tree' || !/\.(ts|js|mjs)$/.test(e.name) || e.name.endsWith('.test.ts') || e.name.endsWith('.d.ts')) continue;
    stepModules[e.path] = e.oid;
    const name = e.name.replace(/\.(ts|js|mjs)$/, '');
    if (userSteps.has(name)) {
      problems.push(problem('REPO_DUPLICATE_STEP', `step \`${name}\` is defined by two modules`, { file: e.path, line: 1, col: 1 }, { hint: 'keep one of the .ts/.js files' }));
    }
    userSteps.set(name, { module: e.path, hash: e.oid });
  }

  // Names of files that exist but failed to compile still count as known, so a broken herd or contract is
  // reported once, at its own file, not again as "unknown" in every pipeline that names it.
  const herdNames = new Set([...Object.keys(herdMap), ...(await stems(reader, project.folders.herds, /\.ya?ml$/))]);
  const contractRefs = new Map<string, { datasets: readonly string[]; fields?: readonly string[] }>();
  for (const name of await stems(reader, project.folders.contracts, /\.odcs\.ya?ml$/)) contractRefs.set(name, { datasets: [] });
  for (const c of contracts) contractRefs.set(c.name, { datasets: c.datasets, fields: fieldsOf(c) });
  const ctx: CompileContext = {
    defaultHerd: project.defaultHerd,
    herds: herdNames,
    contracts: contractRefs,
    userSteps,
  };
  const fingerprintKey = `ctx:${project.defaultHerd}:${await reader.treeOid(project.folders.herds)}:${await reader.treeOid(project.folders.contracts)}:${await reader.treeOid(project.folders.steps)}`;
  const fingerprint = await cache.getOrCompute(fingerprintKey, () => contextFingerprint(ctx));
  const pipelines = await compilePipelines(reader, cache, project.folders.pipelines, ctx, fingerprint, problems);

  const state: DesiredState = {
    commit: reader.id,
    project,
    herds: sortRecord(herdMap),
    contracts: sortRecord(contractMap),
    pipelines: sortRecord(Object.fromEntries(pipelines.map((p) => [p.name, p]))),
    stepModules: sortRecord(stepModules),
    quotaUse: {},
    problems: [],
  };
  // Scenarios in a herd whose file exists but is invalid were already reported at that file: not admitted again.
  const brokenHerds = new Set([...herdNames].filter((h) => herdMap[h] === undefined));
  const admissible = brokenHerds.size === 0 ? state.pipelines : Object.fromEntries(
    Object.entries(state.pipelines).map(([name, p]) => [name, { ...p, scenarios: p.scenarios.filter((s) => !brokenHerds.has(s.herd)) }]),
  );
  const admission = admit({ herds: state.herds, pipelines: admissible });
  problems.push(...admission.problems);
  return { ...state, quotaUse: admission.usage, problems: sortProblems(dedupe(problems)) };
}

async function compilePipelines(reader: RepoReader, cache: CompileCache, folder: string, ctx: CompileContext, fingerprint: string, problems: Problem[]): Promise<PipelineSpec[]> {
  const compiled = await compilePipelineTree(reader, cache, folder, await reader.treeOid(folder), fingerprint, ctx);
  problems.push(...compiled.problems);
  const seen = new Map<string, PipelineSpec>();
  for (const p of compiled.values) {
    const first = seen.get(p.name);
    if (first !== undefined) {
      problems.push(problem('REPO_DUPLICATE_PIPELINE', `pipeline name \`${p.name}\` is also used by ${first.file}`, { file: p.file, line: 1, col: 1 }, { hint: 'pipeline names are file stems and must be unique; rename one file' }));
      continue;
    }
    seen.set(p.name, p);
  }
  return [...seen.values()];
}

/** What a folder compiled to, with each file's result by path so the next compile of the same folder (after
 * one file changed) reuses every file whose blob oid is unchanged. */
interface FolderResult<T> {
  readonly values: T[];
  readonly problems: Problem[];
  readonly files: Map<string, { readonly oid: string; readonly compiled: Compiled<T> }>;
}

/** Looks a folder up by tree oid; on a hit, also records it as the folder's latest result (`-last:` key). */
function folderHit<T>(cache: CompileCache, kind: string, dir: string, treeOid: string | undefined): { key?: string; hit?: FolderResult<T>; last?: FolderResult<T> } {
  const lastKey = `${kind}-last:${dir}`;
  const key = treeOid === undefined || treeOid === '' ? undefined : `${kind}-dir:${dir}:${treeOid}`;
  const hit = key === undefined ? undefined : cache.get<FolderResult<T>>(key);
  if (hit !== undefined) {
    cache.set(lastKey, hit);
    return { hit };
  }
  return { ...(key === undefined ? {} : { key }), last: cache.get<FolderResult<T>>(lastKey) };
}

function storeFolder<T>(cache: CompileCache, kind: string, dir: string, key: string | undefined, result: FolderResult<T>): FolderResult<T> {
  cache.set(`${kind}-last:${dir}`, result);
  return key === undefined ? result : cache.set(key, result);
}

/** Pipelines of one folder and its subfolders. A folder whose tree oid (and compile context) is unchanged is
 * taken whole from the cache without being listed, so a one-file change costs the folders on its path. */
async function compilePipelineTree(reader: RepoReader, cache: CompileCache, dir: string, treeOid: string | undefined, fingerprint: string, ctx: CompileContext): Promise<FolderResult<PipelineSpec>> {
  const kind = `pipelines:${fingerprint}`;
  const { key, hit, last } = folderHit<PipelineSpec>(cache, kind, dir, treeOid);
  if (hit) return hit;
  const result: FolderResult<PipelineSpec> = { values: [], problems: [], files: new Map() };
  for (const entry of await reader.list(dir)) {
    if (entry.name.startsWith('.') || entry.name === 'README.md') continue;
    if (entry.kind === 'tree') {
      const sub = await compilePipelineTree(reader, cache, entry.path, entry.oid === '' ? await reader.treeOid(entry.path) : entry.oid, fingerprint, ctx);
      result.values.push(...sub.values);
      result.problems.push(...sub.problems);
      continue;
    }
    if (!entry.name.endsWith('.dsl')) {
      result.problems.push(problem('REPO_UNEXPECTED_FILE', `${entry.path} is not a pipeline (.dsl) file and is ignored`, { file: entry.path }, { severity: 'warning' }));
      continue;
    }
    const r = await reuseOrCompile(reader, cache, last, entry, (file, text) => {
      const c = compilePipeline({ file, name: posix.basename(file, '.dsl'), text }, ctx);
      return { value: c.pipeline, problems: c.problems };
    });
    result.files.set(entry.path, { oid: entry.oid, compiled: r });
    result.problems.push(...r.problems);
    if (r.value !== undefined) result.values.push(r.value);
  }
  return storeFolder(cache, kind, dir, key, result);
}

/** Compiles every matching file of a (flat) folder; unexpected files are warnings. An unchanged folder (same
 * tree oid) costs one lookup; a changed one recompiles only the files whose blob oid changed. */
async function compileFolder<T>(
  reader: RepoReader,
  cache: CompileCache,
  folder: string,
  matches: (name: string) => boolean,
  kind: string,
  problems: Problem[],
  compile: (file: string, text: string) => Compiled<T>,
): Promise<T[]> {
  const { key, hit, last } = folderHit<T>(cache, kind, folder, await reader.treeOid(folder));
  if (hit !== undefined) {
    problems.push(...hit.problems);
    return hit.values;
  }
  const result: FolderResult<T> = { values: [], problems: [], files: new Map() };
  for (const entry of await reader.list(folder)) {
    if (entry.kind === 'tree' || entry.name.startsWith('.') || entry.name === 'README.md') continue;
    if (!matches(entry.name)) {
      result.problems.push(problem('REPO_UNEXPECTED_FILE', `${entry.path} is not a ${kind} file and is ignored`, { file: entry.path }, { severity: 'warning' }));
      continue;
    }
    const r = await reuseOrCompile(reader, cache, last, entry, compile);
    result.files.set(entry.path, { oid: entry.oid, compiled: r });
    result.problems.push(...r.problems);
    if (r.value !== undefined) result.values.push(r.value);
  }
  storeFolder(cache, kind, folder, key, result);
  problems.push(...result.problems);
  return result.values;
}

async function reuseOrCompile<T>(reader: RepoReader, cache: CompileCache, last: FolderResult<T> | undefined, entry: RepoEntry, compile: (file: string, text: string) => Compiled<T>): Promise<Compiled<T>> {
  const previous = last?.files.get(entry.path);
  if (previous !== undefined && previous.oid === entry.oid) return previous.compiled;
  cache.compiledFiles++;
  const text = await readText(reader, entry);
  if (!text.ok) return { problems: [text.problem] };
  return compile(entry.path, text.text);
}

async function compileFile<T>(reader: RepoReader, cache: CompileCache, kind: string, entry: RepoEntry, compile: (file: string, text: string) => Compiled<T>): Promise<Compiled<T>> {
  return cache.getOrCompute(`${kind}:${entry.path}:${entry.oid}`, async () => {
    const text = await readText(reader, entry);
    if (!text.ok) return { problems: [text.problem] };
    return compile(entry.path, text.text);
  });
}

function contextFingerprint(ctx: CompileContext): string {
  return sha256(
    canonicalJson({
      defaultHerd: ctx.defaultHerd,
      herds: [...ctx.herds].sort(),
      contracts: [...ctx.contracts].sort(([a], [b]) => a.localeCompare(b)),
      steps: [...ctx.userSteps].sort(([a], [b]) => a.localeCompare(b)),
    }),
  ).slice(0, 16);
}

const fieldsMemo = new WeakMap<ContractEntry, string[]>();

/** Property names of every schema object of a contract (memoised per compiled entry: entries are reused). */
function fieldsOf(c: ContractEntry): string[] {
  const memo = fieldsMemo.get(c);
  if (memo !== undefined) return memo;
  const fields = computeFields(c);
  fieldsMemo.set(c, fields);
  return fields;
}

function computeFields(c: ContractEntry): string[] {
  const schema = (c.document['schema'] as Array<{ properties?: Array<{ name?: unknown }> }> | undefined) ?? [];
  const names = new Set<string>();
  for (const object of schema) for (const p of object.properties ?? []) if (typeof p.name === 'string') names.add(p.name);
  return [...names].sort();
}

async function stems(reader: RepoReader, folder: string, suffix: RegExp): Promise<string[]> {
  return (await reader.list(folder)).filter((e) => e.kind !== 'tree' && suffix.test(e.name)).map((e) => e.name.replace(suffix, ''));
}

function isYaml(name: string): boolean {
  return name.endsWith('.yaml') || name.endsWith('.yml');
}

function sortRecord<T>(record: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of Object.keys(record).sort()) out[key] = record[key]!;
  return out;
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.file}:${p.line}:${p.col}:${p.code}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function defaultProject(): ProjectSpec {
  return {
    name: 'unnamed',
    defaultHerd: 'default',
    trackedBranch: 'main',
    folders: { pipelines: 'pipelines', contracts: 'contracts', herds: 'herds', steps: 'steps', golden: 'golden', data: 'data' },
  };
}

export function emptyState(): DesiredState {
  return { commit: 'EMPTY', project: defaultProject(), herds: {}, contracts: {}, pipelines: {}, stepModules: {}, quotaUse: {}, problems: [] };
}
