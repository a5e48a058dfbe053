// The daemon in this process against a real Barn node, with a recording launcher (no slice processes): the
// fencing race with the scheduler, and the run journal after a crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { domainKey, domainPrefix } from '../../barn/state/domain-keys.ts';
import type { AgentRecord } from '../../contracts/agent-record.ts';
import { RUNINK_API_VERSION, type RunRecord } from '../../contracts/placement.ts';
import { AgentDaemon } from './agent-daemon.ts';
import { runJournal } from './local-state.ts';
import type { LaunchRequest, SliceExit, SliceLauncher } from './slice-launcher.ts';
import { COMMIT, EXAMPLES, place, scenarioOf, storePipeline, TOKEN, until, values, world, type TestWorld } from './test-support.ts';

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

function daemon(w: TestWorld, node: string, launcher: SliceLauncher, beforeFence?: (scenario: string, fence: number) => Promise<void>): AgentDaemon {
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
  });
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
  const agent = daemon(w, 'a4', launcher);
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
});
