// The @stream end-to-end scenario of agent-stream.test.ts (confined launcher, the default) and
// agent-process.test.ts (`--launcher process`), with real `runi agent start` and slice processes against a real
// Barn node: feeding the stdin FIFO, restart on a spec change, kill -9 of the agent and a restart (exactly one
// running copy afterwards), and stop on removal. Test support only (imported by the two test files).
//
// What "a running copy" is depends on the launcher: for `process`, a live `slice-main.ts <slot>` process of this
// data root (found in /proc); for `confined`, a runink cgroup named by one of the scenario's run ids with a
// process inside (confine names the cgroup of a cold launch `runink/<runId>`).
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { domainKey, domainPrefix } from '../../barn/state/domain-keys.ts';
import type { RunRecord } from '../../contracts/placement.ts';
import { listCgroups, openCgroup } from '../confine/cgroup.ts';
import { probeHost } from '../confine/host.ts';
import { scratchRoot } from '../confine/prepare.ts';
import type { RunEvent } from '../lineage/openlineage-types.ts';
import { sliceProcesses } from './process-launcher.ts';
import { slotDir, SLOT_FILES } from './slot-files.ts';
import { EXAMPLES, logOf, place, scenarioOf, spawnAgent, stopAgent, storePipeline, until, values, world, type AgentProc, type TestWorld } from './test-support.ts';

export type LauncherKind = 'confined' | 'process';

export const SCENARIO = 'payments-bronze/stream-psp-events';

/** Running copies of the scenario's slices: run id (confined) or slot dir (process) → pids. */
export async function copies(w: TestWorld, launcher: LauncherKind): Promise<Map<string, number[]>> {
  switch (launcher) {
    case 'process':
      return sliceProcesses(w.dataRoot);
    case 'confined': {
      const host = probeHost().cgroup;
      if (host === undefined) return new Map();
      const ids = new Set((await values<RunRecord>(w.client, domainPrefix.runsOf(SCENARIO))).map((r) => r.runId));
      const found = new Map<string, number[]>();
      for (const name of listCgroups(host)) {
        if (!ids.has(name)) continue;
        const pids = openCgroup(host, name).pids();
        if (pids.length > 0) found.set(name, pids);
      }
      return found;
    }
  }
}

export async function streamScenario(t: TestContext, launcher: LauncherKind, node: string): Promise<void> {
  const w: TestWorld = await world();
  const agents: AgentProc[] = [];
  const extra = ['--launcher', launcher];
  t.after(async () => {
    for (const a of agents) await stopAgent(a, 'SIGKILL');
    if (launcher === 'process') {
      for (const pid of [...(await copies(w, launcher)).values()].flat()) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }
    }
    await w.close();
  });
  const spec = scenarioOf(w.state, SCENARIO);
  await storePipeline(w, 'payments-bronze');
  agents.push(await spawnAgent(w, node, extra));
  const fail = (what: string) => (e: unknown): never => {
    throw new Error(`${what}: ${e instanceof Error ? e.message : String(e)}\n--- agent logs ---\n${agents.map(logOf).join('\n---\n')}`);
  };
  const runs = (): Promise<RunRecord[]> => values<RunRecord>(w.client, domainPrefix.runsOf(SCENARIO));
  /** The one RUNNING run (besides `not`) once its START event is stored and exactly one copy runs. */
  const running = (not: readonly string[] = []): Promise<{ run: RunRecord; copy: string }> => until(async () => {
    const live = (await runs()).filter((r) => r.status === 'RUNNING' && !not.includes(r.runId));
    const found = [...(await copies(w, launcher)).keys()];
    const started = live.length === 1 && (await values<RunEvent>(w.client, domainPrefix.lineageOf(live[0]!.runId))).some((e) => e.eventType === 'START');
    return started && found.length === 1 ? { run: live[0]!, copy: found[0]! } : undefined;
  }, 40_000).catch(fail('no single running slice'));

  await place(w, node, spec);
  const first = await running();

  await t.test('events written to the slice FIFO land in bronze and RUNNING events reach Barn', async () => {
    const events = readFileSync(join(EXAMPLES, 'data', 'finance', 'inbox', 'psp-events.ndjson'), 'utf8');
    const expected = events.split('\n').filter((l) => l.trim() !== '').length;
    const fd = openSync(join(slotDir(w.dataRoot, first.run.runId), SLOT_FILES.stdin), 'w');
    writeSync(fd, events);
    closeSync(fd);
    const lines = (file: string): number => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').length : 0);
    const bronze = join(w.dataRoot, 'finance', 'bronze', 'payments.ndjson');
    const rejected = join(w.dataRoot, 'finance', 'deadletter', 'payments-bronze.ndjson');
    // every record written lands (bronze or dead letter) while the stream runs on: no chunk waits to fill up
    await until(async () => (lines(bronze) + lines(rejected) === expected ? true : undefined), 20_000).catch(fail(`not all ${expected} records landed`));
    assert.ok(lines(bronze) > 0);
    await until(async () => ((await values<RunEvent>(w.client, domainPrefix.lineageOf(first.run.runId))).some((e) => e.eventType === 'RUNNING') ? true : undefined), 20_000).catch(fail('no RUNNING event'));
  });

  let current = first;
  await t.test('a new spec hash restarts the slice: the old run ends ABORT, one new copy runs the new spec', async () => {
    await storePipeline(w, 'payments-bronze', 'c2', (s) => (s.id === SCENARIO ? { ...s, specHash: 'changed-spec-hash' } : s));
    await place(w, node, spec, { commit: 'c2', specHash: 'changed-spec-hash' });
    const next = await running([first.run.runId]);
    assert.equal(next.run.specHash, 'changed-spec-hash');
    assert.notEqual(next.copy, first.copy);
    const old = (await runs()).find((r) => r.runId === first.run.runId);
    assert.equal(old?.status, 'ABORT');
    const events = await values<RunEvent>(w.client, domainPrefix.lineageOf(first.run.runId));
    assert.equal(events.at(-1)?.eventType, 'ABORT');
    current = next;
  });

  await t.test('kill -9 of the agent, then a restart, leaves exactly one running copy of the slice and closes the old run', async () => {
    const killed = agents[0]!;
    assert.notEqual(await stopAgent(killed, 'SIGKILL'), 0);
    switch (launcher) {
      case 'process':
        // the orphaned slice survives its agent; the new agent stops and reports it
        assert.deepEqual([...(await copies(w, launcher)).keys()], [current.copy]);
        break;
      case 'confined':
        // the sandbox dies with its agent (bwrap --die-with-parent); its cgroup and scratch dir stay until a sweep
        await until(async () => ((await copies(w, launcher)).size === 0 ? true : undefined), 10_000).catch(fail('confined slice outlived its agent'));
        assert.ok(existsSync(join(scratchRoot(), current.run.runId)), 'scratch dir already gone before the sweep');
        break;
    }
    agents.push(await spawnAgent(w, node, extra));
    const next = await running([current.run.runId]);
    assert.notEqual(next.copy, current.copy);
    const old = (await runs()).find((r) => r.runId === current.run.runId);
    assert.equal(old?.status, 'ABORT');
    if (launcher === 'confined') {
      // nothing survived to report it: the run journal closed it
      assert.equal(old?.error?.code, 'AGENT_SLICE_LOST');
      const host = probeHost().cgroup;
      assert.ok(host === undefined || !listCgroups(host).includes(current.run.runId), 'the leftover cgroup was not swept');
      assert.ok(!existsSync(join(scratchRoot(), current.run.runId)), 'the leftover scratch dir was not swept');
      assert.match(logOf(agents[1]!), new RegExp(`swept leftover cgroup runink/${current.run.runId}`));
    }
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual([...(await copies(w, launcher)).keys()], [next.copy]);
    assert.equal((await runs()).filter((r) => r.status === 'RUNNING').length, 1);
    current = next;
  });

  await t.test('removing the placement stops the slice and ends its run ABORT', async () => {
    const r = await w.client.delete(domainKey({ kind: 'placement', agent: node, scenario: SCENARIO }));
    assert.ok(r.ok);
    await until(async () => ((await copies(w, launcher)).size === 0 ? true : undefined), 20_000).catch(fail('slice still running'));
    const done = await until(async () => (await runs()).find((x) => x.runId === current.run.runId && x.status !== 'RUNNING'), 20_000).catch(fail('run not finished'));
    assert.equal(done.status, 'ABORT');
    assert.equal(done.commit, 'c2');
  });
}
