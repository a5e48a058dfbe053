// `npm start`, part 2: what exists of the running system, on examples-repo/ — one Barn node and one agent as
// real processes. The reconciler and scheduler that will place slices are not built yet (see README): this
// script stands in for them, storing each compiled pipeline at /runink/pipelines/<p> and placing every scenario
// on the agent at /runink/placements/<agent>/<scenario>, exactly as they will. It then watches the agent
// converge: batch runs complete, the @stream slice takes events from its stdin FIFO, and removing its placement
// stops it. Everything lives in a temp dir (examples-repo/ is never written) and is removed at the end.
//
//   node --import tsx scripts/demo-cluster.ts [--keep]
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BarnClient } from '../barn/client.ts';
import { freePort, until } from '../barn/node/test-support.ts';
import { DOMAIN_PREFIXES, domainKey } from '../barn/state/domain-keys.ts';
import type { DesiredState, ScenarioSpec } from '../contracts/desired-state.ts';
import { RUNINK_API_VERSION, type PlacementValue, type RunRecord, type StoredPipeline } from '../contracts/placement.ts';
import { compileRepo } from '../reconciler/desired/compile-state.ts';
import { worktreeReader } from '../reconciler/source/worktree-reader.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EXAMPLES = join(ROOT, 'examples-repo');
/** The `runi` command as users get it (bin/runi: node on bin/runi.mjs, MALLOC_ARENA_MAX=2). */
const RUNI = join(ROOT, 'bin', 'runi');
const AGENT = 'demo-agent';
const keep = process.argv.includes('--keep');

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function spawnLogged(args: string[], log: string): ChildProcess {
  const fd = openSync(log, 'a');
  const child = spawn(RUNI, args, { cwd: ROOT, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function runs(client: BarnClient): Promise<RunRecord[]> {
  const r = await client.range(DOMAIN_PREFIXES.runs);
  if (!r.ok) return [];
  return r.value.records.map((rec) => rec.value as RunRecord);
}

function storedPipeline(state: DesiredState, name: string): StoredPipeline {
  return {
    apiVersion: RUNINK_API_VERSION,
    kind: 'CompiledPipeline',
    commit: state.commit,
    project: state.project.name,
    repoUrl: EXAMPLES,
    pipeline: state.pipelines[name]!,
    contracts: state.contracts,
    herds: state.herds,
  };
}

function placement(state: DesiredState, s: ScenarioSpec): PlacementValue {
  return {
    apiVersion: RUNINK_API_VERSION,
    kind: 'Placement',
    agent: AGENT,
    scenario: s.id,
    pipeline: s.pipeline,
    herd: s.herd,
    commit: state.commit,
    specHash: s.specHash,
    trigger: s.trigger.kind,
    requires: s.requires,
  };
}

function summary(r: RunRecord): string {
  const stats = (r.stats ?? {}) as { recordsIn?: Record<string, number>; recordsOut?: Record<string, number>; deadLettered?: number };
  const sum = (o: Record<string, number> | undefined): number => Object.values(o ?? {}).reduce((a, b) => a + b, 0);
  const took = r.finishedAt === undefined ? '' : ` in ${r.finishedAt - r.startedAt} ms`;
  const err = r.error ? ` — ${r.error.code}: ${r.error.message}` : '';
  return `${r.status.padEnd(8)} ${r.scenario.padEnd(42)} in ${sum(stats.recordsIn)}, out ${sum(stats.recordsOut)}, dead letters ${stats.deadLettered ?? 0}${took}, ${r.lineageEvents ?? 0} lineage events${err}`;
}

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'runink-demo-'));
  const dataRoot = join(dir, 'data');
  cpSync(join(EXAMPLES, 'data'), dataRoot, { recursive: true });
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, `demo-${process.pid}-${Date.now()}\n`);
  const token = readFileSync(tokenFile, 'utf8').trim();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const children: ChildProcess[] = [];
  const client = new BarnClient({ endpoints: [url], token });
  try {
    say(`\n── The running system (state in ${dir}${keep ? ', kept' : ''}) ──`);
    children.push(spawnLogged(['barn', 'start', '--id', 'n1', '--listen', `127.0.0.1:${port}`, '--peers', `n1=${url}`, '--data-dir', join(dir, 'barn'), '--token-file', tokenFile], join(dir, 'barn.log')));
    await until(async () => ((await client.status()).ok ? true : undefined), 30_000, 'Barn to elect itself and answer');
    say(`Barn      one node at ${url} (log: ${join(dir, 'barn.log')})`);
    const metricsPort = await freePort();
    children.push(spawnLogged(['agent', 'start', '--barn', url, '--node-id', AGENT, '--labels', 'demo=true', '--data-root', dataRoot, '--token-file', tokenFile, '--repo', EXAMPLES, '--metrics-listen', `127.0.0.1:${metricsPort}`], join(dir, 'agent.log')));
    await until(async () => {
      const r = await client.get(domainKey({ kind: 'agent', agent: AGENT }));
      return r.ok ? true : undefined;
    }, 30_000, 'the agent to register');
    say(`agent     ${AGENT} registered, lease held, metrics at http://127.0.0.1:${metricsPort}/metrics (log: ${join(dir, 'agent.log')})`);

    const state = await compileRepo(worktreeReader(EXAMPLES));
    const scenarios = Object.values(state.pipelines).flatMap((p) => p.scenarios);
    say(`placing   ${scenarios.length} scenarios of ${Object.keys(state.pipelines).length} pipelines on ${AGENT} (as the scheduler will)`);
    for (const name of Object.keys(state.pipelines)) {
      const r = await client.put(domainKey({ kind: 'pipeline', pipeline: name }), storedPipeline(state, name));
      if (!r.ok) throw new Error(`storing ${name}: ${r.code} ${r.message}`);
    }
    for (const s of scenarios) {
      const r = await client.put(domainKey({ kind: 'placement', agent: AGENT, scenario: s.id }), placement(state, s));
      if (!r.ok) throw new Error(`placing ${s.id}: ${r.code} ${r.message}`);
    }

    const batch = scenarios.filter((s) => s.trigger.kind !== 'stream');
    const done = await until(async () => {
      const finished = (await runs(client)).filter((r) => r.status !== 'RUNNING' && batch.some((s) => s.id === r.scenario));
      const complete = new Set(finished.filter((r) => r.status === 'COMPLETE').map((r) => r.scenario));
      return batch.every((s) => complete.has(s.id)) ? finished : undefined;
    }, 120_000, 'every batch scenario to finish');
    for (const r of done.sort((a, b) => a.startedAt - b.startedAt)) say(`run       ${summary(r)}`);

    const stream = scenarios.find((s) => s.trigger.kind === 'stream');
    let ok = true;
    if (stream !== undefined) {
      const live = await until(async () => (await runs(client)).find((r) => r.scenario === stream.id && r.status === 'RUNNING'), 60_000, `${stream.id} to run`);
      const fifo = join(dataRoot, '.runi', 'slices', live.runId, 'stdin');
      await until(async () => (existsSync(fifo) ? true : undefined), 30_000, 'the stream slice to open its stdin');
      const events = readFileSync(join(EXAMPLES, 'data', 'finance', 'inbox', 'psp-events.ndjson'), 'utf8');
      const fd = openSync(fifo, 'w');
      writeSync(fd, events);
      closeSync(fd);
      const out = join(dataRoot, stream.herd, 'bronze', 'payments.ndjson');
      const dead = join(dataRoot, stream.herd, 'deadletter', 'payments-bronze.ndjson');
      const count = (file: string): number => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').length : 0);
      const lines = events.trim().split('\n').length;
      // every event lands in the bronze sink or the dead letters while the stream keeps running
      await until(async () => (count(out) + count(dead) >= lines ? true : undefined), 30_000, 'the streamed events to land');
      say(`stream    ${stream.id}: ${lines} PSP events written to its stdin → ${count(out)} in ${out.slice(dataRoot.length + 1)}, ${count(dead)} dead-lettered`);
      await client.delete(domainKey({ kind: 'placement', agent: AGENT, scenario: stream.id }));
      const ended = await until(async () => (await runs(client)).find((r) => r.runId === live.runId && r.status !== 'RUNNING'), 30_000, `${stream.id} to stop after its placement was removed`);
      say(`removed   placement of ${stream.id} → the agent stopped it: ${ended.status}`);
      ok = ended.status === 'ABORT';
    }
    say(`\n${done.length} batch runs COMPLETE, run records and OpenLineage events stored in Barn under /runink/runs/ and /runink/lineage/.`);
    say('Next (not built yet): the reconciler and scheduler that place slices from Git commits (`runi up`).');
    return ok ? 0 : 1;
  } finally {
    await client.close();
    for (const c of children.reverse()) await stop(c);
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`demo failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
