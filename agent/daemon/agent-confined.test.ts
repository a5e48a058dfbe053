// The isolation level of the herd decides how the agent's (default, confined) launcher runs a slice: as root a
// `required` herd runs confined (uid 65534 writes the sinks); an agent that is not root cannot meet `required`,
// so such runs FAIL with CONFINE_ISOLATION_UNAVAILABLE in their run record (nothing ran), while a `best-effort`
// herd still runs, with the warning naming what is missing in the agent's log.
// Skipped where confinement is missing, FAILED there with RUNINK_REQUIRE_CONFINEMENT=1 (test-support.ts).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { domainPrefix } from '../../barn/state/domain-keys.ts';
import type { DesiredState } from '../../contracts/desired-state.ts';
import type { RunRecord } from '../../contracts/placement.ts';
import type { RunEvent } from '../lineage/openlineage-types.ts';
import { confinedTest, logOf, place, scenarioOf, spawnAgent, stopAgent, storePipeline, until, values, world, type AgentProc, type TestWorld } from './test-support.ts';

const NOBODY = 65534;
const SCENARIO = 'orders-bronze/ingest-raw-orders';

function withIsolation(w: TestWorld, isolation: 'required' | 'best-effort'): DesiredState['herds'] {
  return { ...w.state.herds, retail: { ...w.state.herds['retail']!, isolation } };
}

async function finishedRun(w: TestWorld, agent: AgentProc, specHash: string): Promise<RunRecord> {
  return until(async () => (await values<RunRecord>(w.client, domainPrefix.runsOf(SCENARIO))).find((r) => r.status !== 'RUNNING' && r.specHash === specHash), 40_000)
    .catch((e: unknown) => assert.fail(`${String(e)}\n--- agent log ---\n${logOf(agent)}`));
}

confinedTest('as root, a scenario of a `required` herd runs confined by default and its run and lineage land in Barn', { timeout: 60_000 }, async (t) => {
  const w = await world();
  const agent = await spawnAgent(w, 'c1');
  t.after(async () => {
    await stopAgent(agent, 'SIGKILL');
    await w.close();
  });
  await storePipeline(w, 'orders-bronze', undefined, undefined, withIsolation(w, 'required'));
  const spec = scenarioOf(w.state, SCENARIO);
  const fence = await place(w, 'c1', spec);
  const run = await finishedRun(w, agent, spec.specHash);
  assert.equal(run.status, 'COMPLETE', JSON.stringify(run.error));
  assert.equal(run.fence, fence);
  assert.deepEqual(run.stats?.['recordsOut'], { bronze_orders: 24, refunds: 2, rejected: 2 });
  // the sink was written by the slice's unprivileged uid, not by the root agent
  assert.equal(statSync(join(w.dataRoot, 'retail', 'bronze', 'orders', 'live.ndjson')).uid, NOBODY);
  const events = await values<RunEvent>(w.client, domainPrefix.lineageOf(run.runId));
  assert.deepEqual(events.map((e) => e.eventType), ['START', 'COMPLETE']);
  assert.equal(await stopAgent(agent), 0);
});

confinedTest('an agent that is not root fails runs of a `required` herd with ISOLATION_UNAVAILABLE and runs a `best-effort` herd with a warning', { timeout: 60_000 }, async (t) => {
  const w = await world();
  execFileSync('chown', ['-R', `${NOBODY}:${NOBODY}`, w.dir]);
  const agent = await spawnAgent(w, 'u1', [], { asUid: NOBODY });
  t.after(async () => {
    await stopAgent(agent, 'SIGKILL');
    await w.close();
  });
  const spec = scenarioOf(w.state, SCENARIO);
  await storePipeline(w, 'orders-bronze', undefined, undefined, withIsolation(w, 'required'));
  await place(w, 'u1', spec);
  const refused = await finishedRun(w, agent, spec.specHash);
  assert.equal(refused.status, 'FAIL');
  assert.equal(refused.error?.code, 'CONFINE_ISOLATION_UNAVAILABLE', JSON.stringify(refused.error));
  assert.match(refused.error?.message ?? '', /cannot be met here, nothing ran/);
  assert.equal((await values<RunEvent>(w.client, domainPrefix.lineageOf(refused.runId))).at(-1)?.eventType, 'FAIL');

  // the herd relaxed to best-effort (a new commit and spec hash): the same scenario runs, with a warning
  await storePipeline(w, 'orders-bronze', 'c2', (s) => (s.id === SCENARIO ? { ...s, specHash: 'best-effort-hash' } : s), withIsolation(w, 'best-effort'));
  await place(w, 'u1', spec, { commit: 'c2', specHash: 'best-effort-hash' });
  const run = await finishedRun(w, agent, 'best-effort-hash');
  assert.equal(run.status, 'COMPLETE', JSON.stringify(run.error));
  assert.deepEqual(run.stats?.['recordsOut'], { bronze_orders: 24, refunds: 2, rejected: 2 });
  assert.match(logOf(agent), new RegExp(`confinement: isolation best-effort for ${SCENARIO} \\(run ${run.runId}\\): running WITHOUT .*cgroup`));
  assert.equal(await stopAgent(agent), 0);
});
