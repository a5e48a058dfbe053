// Test support for the daemon tests: a real single-node Barn in this process, the compiled examples-repo as the
// reconciler will store it, placements as the scheduler will write them, and real `runi agent start` processes.
// (Tests only: importing the reconciler's compiler here stands in for the reconciler writing /runink/pipelines.)
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, cpSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, type TestContext } from 'node:test';
import { BarnClient } from '../../barn/client.ts';
import type { RunningBarn } from '../../barn/node/serve.ts';
import { freePort, until } from '../../barn/node/test-support.ts';
import { tempBarn, TEST_BARN_TOKEN, testBarn } from '../../barn/node/test-barn.ts';
import { domainKey } from '../../barn/state/domain-keys.ts';
import type { DesiredState, ScenarioSpec } from '../../contracts/desired-state.ts';
import { RUNINK_API_VERSION, type PlacementValue, type StoredPipeline } from '../../contracts/placement.ts';
import { compileRepo } from '../../reconciler/desired/compile-state.ts';
import { probeHost } from '../confine/host.ts';
import { worktreeReader } from '../../reconciler/source/worktree-reader.ts';

export { freePort, tempBarn, testBarn, until };
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const EXAMPLES = join(REPO_ROOT, 'examples-repo');
export const RUNI = join(REPO_ROOT, 'bin', 'runi.mjs');
export const TOKEN = TEST_BARN_TOKEN;
export const COMMIT = 'c0ffee0000000000000000000000000000000001';

export interface TestWorld {
  readonly dir: string;
  readonly dataRoot: string;
  readonly tokenFile: string;
  readonly barn: RunningBarn;
  readonly client: BarnClient;
  readonly state: DesiredState;
  close(): Promise<void>;
}

/** A temp dir, a one-node Barn, the examples-repo data copied into the data root, and the compiled repo. */
export async function world(): Promise<TestWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'runi-agent-'));
  const dataRoot = join(dir, 'data');
  cpSync(join(EXAMPLES, 'data'), dataRoot, { recursive: true });
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, `${TOKEN}\n`);
  const { barn, client } = await testBarn(join(dir, 'barn'));
  const state = await compileRepo(worktreeReader(EXAMPLES));
  return {
    dir,
    dataRoot,
    tokenFile,
    barn,
    client,
    state,
    close: async () => {
      await client.close();
      barn.app.server.closeAllConnections();
      await barn.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function scenarioOf(state: DesiredState, id: string): ScenarioSpec {
  const s = Object.values(state.pipelines).flatMap((p) => p.scenarios).find((x) => x.id === id);
  if (s === undefined) throw new Error(`no scenario ${id} in examples-repo`);
  return s;
}

/** /runink/pipelines/<pipeline> as the reconciler stores it; `patch` rewrites its scenarios (e.g. a new spec hash),
 * `herds` replaces the herd specs stored with it (e.g. another isolation level). */
export async function storePipeline(w: TestWorld, pipeline: string, commit = COMMIT, patch: (s: ScenarioSpec) => ScenarioSpec = (s) => s, herds: DesiredState['herds'] = w.state.herds): Promise<void> {
  const spec = w.state.pipelines[pipeline];
  if (spec === undefined) throw new Error(`no pipeline ${pipeline}`);
  const value: StoredPipeline = {
    apiVersion: RUNINK_API_VERSION,
    kind: 'CompiledPipeline',
    commit,
    project: w.state.project.name,
    repoUrl: EXAMPLES,
    pipeline: { ...spec, scenarios: spec.scenarios.map(patch) },
    contracts: w.state.contracts,
    herds,
  };
  const r = await w.client.put(domainKey({ kind: 'pipeline', pipeline }), value);
  if (!r.ok) throw new Error(`${r.code}: ${r.message}`);
}

/** Writes the placement of `scenario` on `agent`; returns its fencing revision (the key's modRevision). */
export async function place(w: TestWorld, agent: string, scenario: ScenarioSpec, opts: { commit?: string; specHash?: string } = {}): Promise<number> {
  const value: PlacementValue = {
    apiVersion: RUNINK_API_VERSION,
    kind: 'Placement',
    agent,
    scenario: scenario.id,
    pipeline: scenario.pipeline,
    herd: scenario.herd,
    commit: opts.commit ?? COMMIT,
    specHash: opts.specHash ?? scenario.specHash,
    trigger: scenario.trigger.kind,
    requires: scenario.requires,
  };
  const r = await w.client.put(domainKey({ kind: 'placement', agent, scenario: scenario.id }), value);
  if (!r.ok) throw new Error(`${r.code}: ${r.message}`);
  return r.value.modRevision;
}

export interface AgentProc {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  readonly log: string;
  readonly metricsUrl: string;
}

/** `runi agent start` as a child process (own log file); `asUid` runs it as that uid (and gid) through setpriv. */
export async function spawnAgent(w: TestWorld, node: string, extra: readonly string[] = [], opts: { asUid?: number } = {}): Promise<AgentProc> {
  const port = await freePort();
  const log = join(w.dir, `agent-${node}.log`);
  const fd = openSync(log, 'a');
  const args = [RUNI, 'agent', 'start', '--barn', w.barn.url, '--node-id', node, '--labels', 'region=eu-central,disk=ssd', '--capacity', 'cpu=2,memory=4Gi',
    '--data-root', w.dataRoot, '--token-file', w.tokenFile, '--repo', EXAMPLES, '--metrics-listen', `127.0.0.1:${port}`,
    '--lease-ttl-ms', '3000', '--backoff-base-ms', '400', '--backoff-cap-ms', '4000', '--stop-grace-ms', '3000', '--running-every-ms', '500', ...extra];
  const child = opts.asUid === undefined
    ? spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', fd, fd] })
    : spawn('setpriv', ['--reuid', String(opts.asUid), '--regid', String(opts.asUid), '--clear-groups', '--', process.execPath, ...args], { cwd: REPO_ROOT, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal === null ? null : -1))));
  return { child, exited, log, metricsUrl: `http://127.0.0.1:${port}` };
}

export async function stopAgent(a: AgentProc, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (a.child.exitCode === null && a.child.signalCode === null) a.child.kill(signal);
  return a.exited;
}

export function logOf(a: AgentProc): string {
  try {
    return readFileSync(a.log, 'utf8');
  } catch {
    return '';
  }
}

export async function values<T>(client: BarnClient, prefix: string): Promise<T[]> {
  const r = await client.range(prefix);
  if (!r.ok) throw new Error(`${r.code}: ${r.message}`);
  return r.value.records.map((x) => x.value as T);
}

/** Why confined slices cannot run here (undefined: they can). */
export function confinementMissing(): string | undefined {
  const host = probeHost();
  return !host.root ? 'needs root (cgroups, uid switch)' : host.cgroup === undefined ? 'no writable cgroup here' : host.bwrap === undefined ? 'bwrap is not installed' : undefined;
}

/** A test that needs confinement (root, a writable cgroup, bwrap): skipped where it is missing, except that with
 * RUNINK_REQUIRE_CONFINEMENT=1 (CI, as root) a missing confinement FAILS the test instead. */
export function confinedTest(name: string, options: { timeout?: number }, fn: (t: TestContext) => Promise<void>): void {
  const missing = confinementMissing();
  if (missing === undefined) {
    test(name, options, fn);
  } else if (process.env['RUNINK_REQUIRE_CONFINEMENT'] === '1') {
    test(name, options, () => {
      throw new Error(`RUNINK_REQUIRE_CONFINEMENT=1 but confinement is unavailable here: ${missing}`);
    });
  } else {
    test(name, { ...options, skip: missing }, fn);
  }
}
