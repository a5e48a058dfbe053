// The development launcher (`runi agent start --launcher process`: plain child processes, no confinement) through
// the same @stream end to end as agent-stream.test.ts: FIFO fed, restart on a spec change, an orphan that
// survived kill -9 of its agent stopped and reported by the next agent (one copy), stop on removal; and a
// switch to the default confined launcher after kill -9 (the confined agent's sweep also stops process slices).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { domainPrefix } from '../../barn/state/domain-keys.ts';
import type { RunRecord } from '../../contracts/placement.ts';
import { copies, SCENARIO, streamScenario } from './stream-e2e.ts';
import { confinedTest, logOf, place, scenarioOf, spawnAgent, stopAgent, storePipeline, until, values, world, type AgentProc, type TestWorld } from './test-support.ts';


test('a @stream slice of the process launcher follows its placement: fed, restarted on a spec change, single after kill -9, stopped on removal', { timeout: 120_000 }, async (t) => {
  await streamScenario(t, 'process', 'a3');
});

confinedTest('switching an agent from the process launcher to the default confined one after kill -9 leaves exactly one copy', { timeout: 60_000 }, async (t) => {
  const w: TestWorld = await world();
  const agents: AgentProc[] = [];
  t.after(async () => {
    for (const a of agents) await stopAgent(a, 'SIGKILL');
    for (const pid of [...(await copies(w, 'process')).values()].flat()) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    await w.close();
  });
  const logs = (): string => agents.map(logOf).join('\n---\n');
  await storePipeline(w, 'payments-bronze');
  agents.push(await spawnAgent(w, 'a4', ['--launcher', 'process']));
  await place(w, 'a4', scenarioOf(w.state, SCENARIO));
  const orphan = await until(async () => {
    const found = [...(await copies(w, 'process')).keys()];
    return found.length === 1 ? found[0] : undefined;
  }, 40_000).catch((e: unknown) => assert.fail(`${String(e)}\n${logs()}`));
  await stopAgent(agents[0]!, 'SIGKILL');
  agents.push(await spawnAgent(w, 'a4'));
  const runs = (): Promise<RunRecord[]> => values<RunRecord>(w.client, domainPrefix.runsOf(SCENARIO));
  // the confined agent's sweep stops and reports the process slice, then it starts one confined copy
  await until(async () => ((await copies(w, 'process')).size === 0 && (await copies(w, 'confined')).size === 1 ? true : undefined), 40_000)
    .catch((e: unknown) => assert.fail(`${String(e)}\n${logs()}`));
  const all = await runs();
  assert.equal(all.length, 2);
  assert.equal(all.filter((r) => r.status === 'RUNNING').length, 1);
  assert.equal(all.find((r) => orphan.endsWith(r.runId))?.status, 'ABORT');
  assert.match(logOf(agents[1]!), /swept running slice payments-bronze\/stream-psp-events/);
});
