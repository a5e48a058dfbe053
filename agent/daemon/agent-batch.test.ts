// End to end with real processes: an in-process Barn node, a real `runi agent start` child (default: confined
// launcher), real confined slices.
// The test plays the scheduler and the reconciler by writing placements and pipelines directly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, renameSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { domainKey, domainPrefix } from '../../barn/state/domain-keys.ts';
import type { AgentRecord } from '../../contracts/agent-record.ts';
import type { RunRecord } from '../../contracts/placement.ts';
import type { RunEvent } from '../lineage/openlineage-types.ts';
import { logOf, place, scenarioOf, spawnAgent, stopAgent, storePipeline, until, values, world, type AgentProc, type TestWorld } from './test-support.ts';

const NODE = 'a1';

test('an agent process registers, runs placed batch scenarios, retries failures with backoff and reports to Barn', { timeout: 90_000 }, async (t) => {
  const w: TestWorld = await world();
  const agents: AgentProc[] = [];
  // An OpenLineage endpoint (as Marquez takes events: one JSON RunEvent per POST /api/v1/lineage).
  const posted: RunEvent[] = [];
  const marquez = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/api/v1/lineage') posted.push(JSON.parse(body) as RunEvent);
      res.writeHead(201).end();
    });
  });
  await new Promise<void>((r) => marquez.listen(0, '127.0.0.1', r));
  t.after(async () => {
    for (const x of agents) await stopAgent(x, 'SIGKILL');
    marquez.closeAllConnections();
    await new Promise((r) => marquez.close(r));
    await w.close();
  });
  await storePipeline(w, 'orders-bronze');
  await storePipeline(w, 'customers-silver');
  const a = await spawnAgent(w, NODE, ['--openlineage-url', `http://127.0.0.1:${(marquez.address() as { port: number }).port}`]);
  agents.push(a);
  const fail = (what: string) => (e: unknown): never => {
    throw new Error(`${what}: ${e instanceof Error ? e.message : String(e)}\n--- agent log ---\n${logOf(a)}`);
  };

  await t.test('the agent registers its labels and capacity and renews its lease', async () => {
    const key = domainKey({ kind: 'agent', agent: NODE });
    const first = await until(async () => {
      const r = await w.client.get(key);
      return r.ok ? r.value : undefined;
    }, 30_000).catch(fail('no registration'));
    const rec = first.value as AgentRecord;
    assert.deepEqual(rec.labels, { region: 'eu-central', disk: 'ssd' });
    assert.deepEqual(rec.capacity, { cpu: 2000, memory: 4 * 1024 ** 3 });
    assert.equal(rec.lease.ttlMs, 3000);
    const renewed = await until(async () => {
      const r = await w.client.get(key);
      return r.ok && r.value.modRevision > first.modRevision + 1 ? (r.value.value as AgentRecord) : undefined;
    }, 10_000);
    assert.equal(renewed.lease.session, rec.lease.session);
    assert.ok(renewed.lease.renewals > rec.lease.renewals);
  });

  await t.test('a placed batch scenario runs once; its run record and lineage events land in Barn', async () => {
    const spec = scenarioOf(w.state, 'orders-bronze/ingest-raw-orders');
    const fence = await place(w, NODE, spec);
    const run = await until(async () => {
      const runs = await values<RunRecord>(w.client, domainPrefix.runsOf(spec.id));
      return runs.find((r) => r.status !== 'RUNNING');
    }, 30_000).catch(fail('no finished run'));
    assert.equal(run.status, 'COMPLETE', JSON.stringify(run.error));
    assert.equal(run.fence, fence);
    assert.equal(run.agent, NODE);
    assert.equal(run.specHash, spec.specHash);
    const events = await values<RunEvent>(w.client, domainPrefix.lineageOf(run.runId));
    assert.deepEqual(events.map((e) => e.eventType), ['START', 'COMPLETE']);
    assert.ok(events.every((e) => e.run.runId === run.runId));
    assert.equal(run.lineageEvents, 2);
    // The same events, once each, reach the OpenLineage endpoint.
    await until(async () => (posted.filter((e) => e.run.runId === run.runId).length === 2 ? true : undefined), 15_000).catch(fail('not posted to OpenLineage'));
    assert.deepEqual(posted.filter((e) => e.run.runId === run.runId).map((e) => e.eventType), ['START', 'COMPLETE']);
    const bronzeFile = join(w.dataRoot, 'retail', 'bronze', 'orders', 'live.ndjson');
    const bronze = readFileSync(bronzeFile, 'utf8').trim().split('\n');
    assert.ok(bronze.length > 0);
    // the default launcher is confined: as root, the slice writes its sinks as the unprivileged uid 65534
    if (process.getuid?.() === 0) assert.equal(statSync(bronzeFile).uid, 65534);
    // Done for this spec hash: the agent reports it done and starts no second run.
    const rec = await until(async () => {
      const r = await w.client.get(domainKey({ kind: 'agent', agent: NODE }));
      const s = r.ok ? (r.value.value as AgentRecord).slices[spec.id] : undefined;
      return s?.state === 'done' ? s : undefined;
    }, 10_000);
    assert.equal(rec.starts, 1);
    assert.equal((await values<RunRecord>(w.client, domainPrefix.runsOf(spec.id))).length, 1);
  });

  await t.test('a failing slice is retried with growing delays and recovers once its input appears', async () => {
    const spec = scenarioOf(w.state, 'customers-silver/load-crm-customers');
    const crm = join(w.dataRoot, 'retail', 'crm');
    renameSync(crm, `${crm}.away`);
    await place(w, NODE, spec);
    const failed = await until(async () => {
      const runs = (await values<RunRecord>(w.client, domainPrefix.runsOf(spec.id))).filter((r) => r.status === 'FAIL');
      return runs.length >= 3 ? runs.sort((x, y) => x.startedAt - y.startedAt) : undefined;
    }, 45_000).catch(fail('fewer than 3 failed runs'));
    assert.deepEqual(failed.slice(0, 3).map((r) => r.attempt), [1, 2, 3]);
    assert.ok(failed.every((r) => r.error?.code === 'SLICE_SOURCE_NOT_FOUND'), JSON.stringify(failed.map((r) => r.error)));
    // Pause between a run's end and the next start: the backoff, 400 ms then 800 ms (minus reporting time).
    const pause = (i: number): number => failed[i + 1]!.startedAt - failed[i]!.finishedAt!;
    assert.ok(pause(0) >= 250, `first pause ${pause(0)} ms`);
    assert.ok(pause(1) > pause(0) + 200, `pauses ${pause(0)} ms then ${pause(1)} ms`);
    renameSync(`${crm}.away`, crm);
    const ok = await until(async () => {
      const runs = await values<RunRecord>(w.client, domainPrefix.runsOf(spec.id));
      return runs.find((r) => r.status === 'COMPLETE');
    }, 30_000).catch(fail('no recovery'));
    assert.ok(ok.attempt >= 4);
    assert.ok(existsSync(join(w.dataRoot, 'retail', 'silver', 'customers.ndjson')));
    const slice = await until(async () => {
      const r = await w.client.get(domainKey({ kind: 'agent', agent: NODE }));
      const s = r.ok ? (r.value.value as AgentRecord).slices[spec.id] : undefined;
      return s?.state === 'done' ? s : undefined;
    }, 10_000);
    assert.equal(slice.failures, 0);
  });

  await t.test('GET /metrics counts starts and failures and GET /healthz answers 200', async () => {
    const text = await (await fetch(`${a.metricsUrl}/metrics`)).text();
    const starts = Number(/^runink_agent_slice_starts_total (\d+)/m.exec(text)?.[1]);
    assert.ok(starts >= 5, text);
    assert.match(text, /^runink_agent_slice_failures_total\{code="SLICE_SOURCE_NOT_FOUND"\} [3-9]/m);
    assert.match(text, /^runink_agent_convergence_seconds_count \d+/m);
    const health = await fetch(`${a.metricsUrl}/healthz`);
    assert.equal(health.status, 200);
  });

  await t.test('SIGTERM stops the agent cleanly and releases its lease', async () => {
    assert.equal(await stopAgent(a), 0);
    const r = await w.client.get(domainKey({ kind: 'agent', agent: NODE }));
    assert.ok(r.ok);
    assert.equal((r.value.value as AgentRecord).lease.released, true);
  });

  await t.test('a restarted agent takes its released lease and does not run completed scenarios again', async () => {
    const before = await values<RunRecord>(w.client, '/runink/runs/');
    const again = await spawnAgent(w, NODE);
    agents.push(again);
    const slices = await until(async () => {
      const r = await w.client.get(domainKey({ kind: 'agent', agent: NODE }));
      const rec = r.ok ? (r.value.value as AgentRecord) : undefined;
      const s = rec?.lease.released === true ? undefined : rec?.slices;
      return s !== undefined && Object.values(s).length === 2 && Object.values(s).every((x) => x.state === 'done') ? s : undefined;
    }, 30_000).catch((e: unknown) => assert.fail(`${String(e)}\n${logOf(again)}`));
    assert.deepEqual(Object.keys(slices).sort(), ['customers-silver/load-crm-customers', 'orders-bronze/ingest-raw-orders']);
    assert.deepEqual(await values<RunRecord>(w.client, '/runink/runs/'), before);
    assert.equal(await stopAgent(again), 0);
  });
});
