import { test } from 'node:test';
import assert from 'node:assert/strict';
import { domainKey, domainPrefix } from '../../barn/state/domain-keys.ts';
import { RUNINK_API_VERSION, type RunRecord } from '../../contracts/placement.ts';
import type { LineageSink } from '../lineage/lineage-sink.ts';
import type { RunEvent } from '../lineage/openlineage-types.ts';
import { finishRun, runKey, startRun, storeLineage } from './run-reporter.ts';
import { tempBarn } from './test-support.ts';

const SCENARIO = 'orders-bronze/ingest-raw-orders';

function record(runId: string, fence: number): RunRecord {
  return { apiVersion: RUNINK_API_VERSION, kind: 'Run', runId, scenario: SCENARIO, agent: 'a1', commit: 'c1', specHash: 'h1', fence, attempt: 1, status: 'RUNNING', startedAt: 1 };
}

test('a run starts only under the current fence: a changed, moved or deleted placement refuses it', async (t) => {
  const { client } = await tempBarn(t, 'runi-fence-');
  const onA1 = domainKey({ kind: 'placement', agent: 'a1', scenario: SCENARIO });
  const onA2 = domainKey({ kind: 'placement', agent: 'a2', scenario: SCENARIO });
  const put = async (key: string, value: unknown): Promise<number> => {
    const r = await client.put(key, value);
    assert.ok(r.ok);
    return r.value.modRevision;
  };
  const stale = await put(onA1, { specHash: 'h1' });
  const current = await put(onA1, { specHash: 'h2' });
  assert.deepEqual(await startRun(client, onA1, record('r-stale', stale)), { started: false, reason: 'AGENT_FENCE_STALE' });
  assert.equal((await client.get(runKey(record('r-stale', stale)))).ok, false, 'a refused start writes no run record');

  const ok = await startRun(client, onA1, record('r-ok', current));
  assert.equal(ok.started, true);
  // The same run id is never created twice, even under the right fence.
  assert.equal((await startRun(client, onA1, record('r-ok', current))).started, false);

  // The scheduler moves the slice to a2: a1's fence is stale (its key is gone), a2's is current.
  const moved = await client.txn([], [{ type: 'delete', key: onA1 }, { type: 'put', key: onA2, value: { specHash: 'h2' } }]);
  assert.ok(moved.ok);
  assert.equal((await startRun(client, onA1, record('r-late', current))).started, false);
  assert.equal((await startRun(client, onA2, record('r-a2', moved.value.revision))).started, true);
  const runs = await client.range(domainPrefix.runsOf(SCENARIO));
  assert.ok(runs.ok);
  assert.deepEqual(runs.value.records.map((r) => (r.value as RunRecord).runId).sort(), ['r-a2', 'r-ok']);

  await finishRun(client, { ...record('r-ok', current), status: 'COMPLETE', finishedAt: 2 });
  const done = await client.get(runKey(record('r-ok', current)));
  assert.ok(done.ok);
  assert.equal((done.value.value as RunRecord).status, 'COMPLETE');
});

test('lineage events are stored once each, and only new ones go to the OpenLineage sink', async (t) => {
  const { client } = await tempBarn(t, 'runi-lineage-');
  const posted: string[] = [];
  const sink: LineageSink = { emit: async (e) => void posted.push(e.eventType ?? ''), close: async () => {} };
  const event = (eventType: RunEvent['eventType']): RunEvent => ({ eventType, eventTime: '2026-01-01T00:00:00Z', run: { runId: 'run-1' }, job: { namespace: 'n', name: 'j' }, producer: 'p', schemaURL: 's' }) as RunEvent;
  assert.equal(await storeLineage(client, 'run-1', 0, [event('START')], sink), 1);
  // A re-read after a restart hands all events again: only the new one is stored and posted.
  assert.equal(await storeLineage(client, 'run-1', 0, [event('START'), event('COMPLETE')], sink), 1);
  assert.deepEqual(posted, ['START', 'COMPLETE']);
  const stored = await client.range(domainPrefix.lineageOf('run-1'));
  assert.ok(stored.ok);
  assert.deepEqual(stored.value.records.map((r) => [r.key.slice(-2), (r.value as RunEvent).eventType]), [['00', 'START'], ['01', 'COMPLETE']]);
});
