// The daemon in this process against a real Barn node, with a recording launcher (no slice processes): the
// fencing race with the scheduler, the run journal after a crash, a lost lease and a stop during start (every
// resource released), a launcher whose `exited` rejects, a stored herd name that would escape the data root; and
// a real `runi agent start` process that loses its lease (exits 3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { domainKey, domainPrefix } from '../../barn/state/domain-keys.ts';
import type { AgentRecord } from '../../contracts/agent-record.ts';
import { RUNINK_API_VERSION, type RunRecord } from '../../contracts/placement.ts';
import { AgentDaemon } from './agent-daemon.ts';
import { runJournal } from './local-state.ts';
import type { LaunchRequest, SliceExit, SliceLauncher } from './slice-launcher.ts';
import { COMMIT, EXAMPLES, logOf, place, scenarioOf, spawnAgent, stopAgent, storePipeline, TOKEN, until, values, world, type TestWorld } from './test-support.ts';

function recordingLauncher(): SliceLauncher & { launched: LaunchRequest[]; stopped: string[] } {
  const launched: LaunchRequest[] = [];
  const stopped: string[] = [];
  return {
    launched,
    stopped,
    async launch(req) {
      launched.push(req);
      let end: (e: SliceExit) => void = () => {};
      const exited = new Promise<SliceExit>((r) => {
        end = r;
      });
      const stop = (): void => {
        stopped.push(req.runId);
        end({ status: 'ABORT', exitCode: 0, signal: null });
      };
      return { runId: req.runId, pid: 1, exited, stop, lineage: async () => [] };
    },
    sweep: async () => [],
    release: async () => {},
  };
}

function daemon(w: TestWorld, node: string, launcher: SliceLauncher, beforeFence?: (scenario: string, fence: number) => Promise<void>, extra: { metricsListen?: string; log?: (line: string) => void } = {}): AgentDaemon {
  return new AgentDaemon({
    node,
    endpoints: [w.barn.url],
    token: TOKEN,
    dataRoot: w.dataRoot,
    labels: {},
    capacity: { cpu: 1000, memory: 1024 ** 3 },
    repoRoot: EXAMPLES,
    leaseTtlMs: 900,
    backoff: { baseMs: 200, capMs: 1000, resetAfterMs: 60_000 },
    launcher,
    ...(beforeFence ? { beforeFence } : {}),
    ...extra,
  });
}

const lockFile = (w: TestWorld): string => join(w.dataRoot, '.runi', 'agent.json');

/** Whether anything still answers on `url` (the metrics server). */
async function answers(url: string): Promise<boolean> {
  return fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) }).then(() => true, () => false);
}

async function agentRecord(w: TestWorld, node: string): Promise<AgentRecord | undefined> {
  const r = await w.client.get(domainKey({ kind: 'agent', agent: node }));
  return r.ok ? (r.value.value as AgentRecord) : undefined;
}

test('an agent whose placement moves between reading it and starting the run refuses to start it', async (t) => {
  const w = await world();
  const launcher = recordingLauncher();
  const spec = scenarioOf(w.state, 'orders-bronze/ingest-raw-orders');
  let moved = 0;
  const agent = daemon(w, 'a1', launcher, async (scenario, fence) => {
    // The scheduler moves the slice to a2 while a1 is about to start it under `fence`.
    moved = fence;
    const r = await w.client.txn([], [
      { type: 'delete', key: domainKey({ kind: 'placement', agent: 'a1', scenario }) },
      { type: 'put', key: domainKey({ kind: 'placement', agent: 'a2', scenario }), value: { moved: true } },
    ]);
    assert.ok(r.ok);
  });
  t.after(async () => {
    await agent.stop();
    await w.close();
  });
  await storePipeline(w, 'orders-bronze');
  await agent.start();
  const fence = await place(w, 'a1', spec);
  await until(async () => ((await agent.metrics.fenceRefusals.get()).values[0]?.value === 1 ? true : undefined), 15_000);
  assert.equal(moved, fence);
  assert.deepEqual(launcher.launched, [], 'nothing was launched');
  assert.deepEqual(await values<RunRecord>(w.client, domainPrefix.runsOf(spec.id)), [], 'no run record');
  // The re-listed placements no longer hold the scenario: the agent forgets it instead of retrying.
  await until(async () => {
    const r = await w.client.get(domainKey({ kind: 'agent', agent: 'a1' }));
    return r.ok && Object.keys((r.value.value as AgentRecord).slices).length === 0 ? true : undefined;
  }, 10_000);
  assert.deepEqual(launcher.launched, []);
});

test('a run the previous agent process started and no launcher could report is closed ABORT at start', async (t) => {
  const w = await world();
  const launcher = recordingLauncher();
  const agent = daemon(w, 'a3', launcher);
  t.after(async () => {
    await agent.stop();
    await w.close();
  });
  const scenario = 'orders-bronze/ingest-raw-orders';
  const lost: RunRecord = { apiVersion: RUNINK_API_VERSION, kind: 'Run', runId: 'lost-run', scenario, agent: 'a3', commit: COMMIT, specHash: 'h', fence: 1, attempt: 1, status: 'RUNNING', startedAt: 1 };
  assert.ok((await w.client.put(domainKey({ kind: 'run', scenario, run: 'lost-run' }), lost)).ok);
  await runJournal(w.dataRoot).add({ runId: 'lost-run', scenario });
  await agent.start();
  const r = await w.client.get(domainKey({ kind: 'run', scenario, run: 'lost-run' }));
  assert.ok(r.ok);
  const closed = r.value.value as RunRecord;
  assert.equal(closed.status, 'ABORT');
  assert.equal(closed.error?.code, 'AGENT_SLICE_LOST');
  assert.deepEqual(await runJournal(w.dataRoot).list(), []);
});

test('an agent whose lease is taken over stops its slices and fails with AGENT_LEASE_LOST', async (t) => {
  const w = await world();
  const launcher = recordingLauncher();
  const agent = daemon(w, 'a4', launcher, undefined, { metricsListen: '127.0.0.1:0' });
  t.after(async () => {
    await agent.stop();
    await w.close();
  });
  await storePipeline(w, 'payments-bronze');
  await agent.start();
  await place(w, 'a4', scenarioOf(w.state, 'payments-bronze/stream-psp-events'));
  await until(async () => (launcher.launched.length === 1 ? true : undefined), 15_000);
  // Another process writes the node's record with its own session.
  const key = domainKey({ kind: 'agent', agent: 'a4' });
  const r = await w.client.get(key);
  assert.ok(r.ok);
  const mine = r.value.value as AgentRecord;
  assert.ok((await w.client.put(key, { ...mine, lease: { ...mine.lease, session: 'intruder' } })).ok);
  await assert.rejects(agent.failed, (e: Error & { code?: string }) => e.code === 'AGENT_LEASE_LOST');
  assert.deepEqual(launcher.stopped, [launcher.launched[0]!.runId]);
  const run = await until(async () => (await values<RunRecord>(w.client, domainPrefix.runsOf('payments-bronze/stream-psp-events'))).find((x) => x.status !== 'RUNNING'), 10_000);
  assert.equal(run.status, 'ABORT');
  // the owner's stop() after the loss still releases everything: metrics server, data root lock, Barn clients
  const url = agent.metricsUrl!;
  assert.ok(await answers(url), 'metrics served until stop()');
  await agent.stop();
  assert.equal(await answers(url), false, 'metrics server closed');
  assert.equal(existsSync(lockFile(w)), false, 'data root lock released');
  await agent.stop(); // idempotent
});

test('stop() while start() waits for the lease ends the start, starts nothing and releases the data root', async (t) => {
  const w = await world();
  const launcher = recordingLauncher();
  const agent = daemon(w, 'a5', launcher, undefined, { metricsListen: '127.0.0.1:0' });
  t.after(async () => {
    await agent.stop();
    await w.close();
  });
  // another live session holds the node's lease (and renews it): start() waits in acquire()
  const key = domainKey({ kind: 'agent', agent: 'a5' });
  const other = { session: 'other-session', ttlMs: 60_000, renewedAt: Date.now(), renewals: 1, pid: 1, hostname: 'elsewhere' };
  const held: AgentRecord = { apiVersion: RUNINK_API_VERSION, kind: 'Agent', node: 'a5', labels: {}, capacity: { cpu: 1000, memory: 1024 }, lease: other, slices: {} };
  assert.ok((await w.client.put(key, held)).ok);
  // ...and keeps renewing it, so the wait never ends on its own
  const renewing = setInterval(() => void w.client.put(key, { ...held, lease: { ...other, renewedAt: Date.now() } }), 150);
  t.after(() => clearInterval(renewing));
  await storePipeline(w, 'orders-bronze');
  await place(w, 'a5', scenarioOf(w.state, 'orders-bronze/ingest-raw-orders'));
  const starting = agent.start();
  starting.catch(() => undefined);
  await until(async () => (existsSync(lockFile(w)) ? true : undefined), 10_000);
  await new Promise((r) => setTimeout(r, 500));
  await agent.stop();
  await assert.rejects(starting, (e: Error & { code?: string }) => e.code === 'AGENT_STOPPED');
  assert.equal(agent.metricsUrl, undefined, 'no metrics server was started');
  assert.equal(existsSync(lockFile(w)), false, 'data root lock released');
  // nothing of the start happens later: no watch, no tick writing the record, no slice
  await new Promise((r) => setTimeout(r, 1500));
  clearInterval(renewing);
  assert.deepEqual(launcher.launched, []);
  assert.equal((await agentRecord(w, 'a5'))?.lease.session, 'other-session');
  await assert.rejects(agent.start(), (e: Error & { code?: string }) => e.code === 'AGENT_STOPPED');
});

test('a launcher whose `exited` rejects fails the run with AGENT_LAUNCHER_FAILED instead of crashing the agent', async (t) => {
  const w = await world();
  const broken: SliceLauncher = {
    launch: async (req) => ({ runId: req.runId, pid: 1, exited: Promise.reject(new Error('launcher bug')), stop: () => {}, lineage: async () => [] }),
    sweep: async () => [],
    release: async () => {},
  };
  const agent = daemon(w, 'a6', broken);
  t.after(async () => {
    await agent.stop();
    await w.close();
  });
  await storePipeline(w, 'orders-bronze');
  await agent.start();
  const spec = scenarioOf(w.state, 'orders-bronze/ingest-raw-orders');
  await place(w, 'a6', spec);
  const run = await until(async () => (await values<RunRecord>(w.client, domainPrefix.runsOf(spec.id))).find((x) => x.status !== 'RUNNING'), 15_000);
  assert.equal(run.status, 'FAIL');
  assert.equal(run.error?.code, 'AGENT_LAUNCHER_FAILED');
  assert.match(run.error?.message ?? '', /launcher bug/);
});

test('a stored scenario whose herd is not a herd name (`..`, `.runi`) is refused with AGENT_BAD_HERD and never launched', async (t) => {
  const w = await world();
  const launcher = recordingLauncher();
  const agent = daemon(w, 'a7', launcher);
  t.after(async () => {
    await agent.stop();
    await w.close();
  });
  const spec = scenarioOf(w.state, 'orders-bronze/ingest-raw-orders');
  await storePipeline(w, 'orders-bronze', COMMIT, (s) => (s.id === spec.id ? { ...s, herd: '..' } : s));
  await agent.start();
  await place(w, 'a7', spec);
  const slice = await until(async () => (await agentRecord(w, 'a7'))?.slices[spec.id]?.lastError, 15_000);
  assert.equal(slice.code, 'AGENT_BAD_HERD');
  assert.match(slice.message, /names herd "\.\."/);
  assert.deepEqual(launcher.launched, []);
  assert.deepEqual(await values<RunRecord>(w.client, domainPrefix.runsOf(spec.id)), [], 'no run record');

  await storePipeline(w, 'orders-bronze', 'c2', (s) => (s.id === spec.id ? { ...s, herd: '.runi', specHash: 'dot-runi' } : s));
  await place(w, 'a7', spec, { commit: 'c2', specHash: 'dot-runi' });
  await until(async () => ((await agentRecord(w, 'a7'))?.slices[spec.id]?.specHash === 'dot-runi' && (await agentRecord(w, 'a7'))?.slices[spec.id]?.lastError?.code === 'AGENT_BAD_HERD' ? true : undefined), 15_000);
  assert.deepEqual(launcher.launched, []);
});

test('a `runi agent start` process with --metrics-listen whose lease is taken over exits 3 and releases its data root', { timeout: 60_000 }, async (t) => {
  const w = await world();
  const agent = await spawnAgent(w, 'p1', ['--launcher', 'process']);
  t.after(async () => {
    await stopAgent(agent, 'SIGKILL');
    await w.close();
  });
  await until(async () => ((await agentRecord(w, 'p1')) !== undefined && (await answers(agent.metricsUrl)) ? true : undefined), 30_000)
    .catch((e: unknown) => assert.fail(`${String(e)}\n${logOf(agent)}`));
  const key = domainKey({ kind: 'agent', agent: 'p1' });
  const mine = (await agentRecord(w, 'p1'))!;
  assert.ok((await w.client.put(key, { ...mine, lease: { ...mine.lease, session: 'intruder' } })).ok);
  const code = await Promise.race([agent.exited, new Promise<string>((r) => setTimeout(() => r('still running after 20 s'), 20_000))]);
  assert.equal(code, 3, logOf(agent));
  assert.match(logOf(agent), /lost the lease of node p1/);
  assert.equal(existsSync(lockFile(w)), false, 'data root lock released');
  assert.equal((await agentRecord(w, 'p1'))?.lease.session, 'intruder', 'the new holder keeps the record');
});
