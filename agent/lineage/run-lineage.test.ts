import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../common/clock.ts';
import { isRuninkError } from '../../common/error.ts';
import type { ScenarioSpec } from '../../contracts/desired-state.ts';
import type { LineageSink } from './lineage-sink.ts';
import type { RunEvent } from './openlineage-types.ts';
import { runLineage } from './run-lineage.ts';
import type { RunContext } from './run-inputs.ts';
import type { Timers } from './timers.ts';

const loc = { file: 'pipelines/payments-bronze.dsl', line: 18, col: 3 };
const scenario: ScenarioSpec = {
  id: 'payments-bronze/stream-psp-events',
  pipeline: 'payments-bronze',
  slug: 'stream-psp-events',
  title: 'Stream PSP events',
  steps_text: ['Given payment events on standard input'],
  herd: 'finance',
  sources: [{ id: 'psp_events', uri: 'stdin:', format: 'ndjson', loc }],
  steps: [],
  sinks: [{ id: 'bronze_payments', uri: 'file://bronze/payments.ndjson', format: 'ndjson', deadLetter: false, after: ['psp_events'], loc }],
  requires: { cpu: 250, memory: 1 },
  affinity: {},
  trigger: { kind: 'stream' },
  parallel: { n: 1 },
  failFast: false,
  loc,
  specHash: 'h',
};
const ctx: RunContext = { scenario, contracts: {}, project: 'acme', runId: '0190a1b2-0000-7000-8000-000000000001', code: { repoUrl: '/srv/repo', commit: 'c0ffee' } };

function memorySink(): LineageSink & { events: RunEvent[] } {
  const events: RunEvent[] = [];
  return { events, emit: async (e) => void events.push(e), close: async () => undefined };
}

function manualTimers(): Timers & { fire(): void; armed(): number[] } {
  const armed = new Map<number, { fn: () => void; ms: number }>();
  let id = 0;
  return {
    setTimeout: (fn, ms) => {
      armed.set(++id, { fn, ms });
      return id;
    },
    clearTimeout: (h) => void armed.delete(h as number),
    fire() {
      const due = [...armed.entries()];
      armed.clear();
      for (const [, t] of due) t.fn();
    },
    armed: () => [...armed.values()].map((t) => t.ms),
  };
}

test('a stream run emits START, periodic RUNNING with the counts so far, then COMPLETE', async () => {
  const clock = new ManualClock(0);
  const sink = memorySink();
  const timers = manualTimers();
  const run = runLineage(ctx, clock, sink, timers);
  await run.start();
  let records = 0;
  run.startHeartbeat(30_000, () => ({ stats: { outputs: { bronze_payments: { records } } } }));
  assert.deepEqual(timers.armed(), [30_000]);
  for (const n of [10, 25]) {
    records = n;
    clock.advance(30_000);
    timers.fire();
  }
  await run.complete({ stats: { outputs: { bronze_payments: { records: 30 } } } });
  assert.deepEqual(timers.armed(), [], 'the heartbeat stops when the run finishes');
  assert.deepEqual(sink.events.map((e) => e.eventType), ['START', 'RUNNING', 'RUNNING', 'COMPLETE']);
  assert.deepEqual(sink.events.map((e) => e.outputs[0]?.outputFacets?.['outputStatistics']?.['rowCount']), [undefined, 10, 25, 30]);
  assert.deepEqual(sink.events.map((e) => e.eventTime.slice(11, 19)), ['00:00:00', '00:00:30', '00:01:00', '00:01:00']);
  assert.ok(sink.events.every((e) => e.job.facets?.['jobType']?.['processingType'] === 'STREAMING'));
});

test('events out of lifecycle order are refused with LINEAGE_RUN_STATE', async () => {
  const run = runLineage(ctx, new ManualClock(0), memorySink(), manualTimers());
  await assert.rejects(run.complete(), (e: unknown) => isRuninkError(e, 'LINEAGE_RUN_STATE') && e.data['phase'] === 'new');
  await run.start();
  await assert.rejects(run.start(), (e: unknown) => isRuninkError(e, 'LINEAGE_RUN_STATE'));
  const failed = await run.fail({ message: 'disk full' });
  assert.equal(failed.run.facets?.['errorMessage']?.['message'], 'disk full');
  await assert.rejects(run.abort(), (e: unknown) => isRuninkError(e, 'LINEAGE_RUN_STATE') && e.data['phase'] === 'finished');
  assert.equal(run.phase, 'finished');
});
