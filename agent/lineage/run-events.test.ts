import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../common/clock.ts';
import type { ContractEntry, ScenarioSpec, SinkSpec, SourceSpec, StepSpec } from '../../contracts/desired-state.ts';
import { facetSchemaUrl, producerUrl } from './facet-urls.ts';
import type { RunEvent } from './openlineage-types.ts';
import { abortEvent, completeEvent, failEvent, runningEvent, startEvent } from './run-events.ts';
import type { RunContext } from './run-inputs.ts';

const loc = { file: 'pipelines/orders-bronze.dsl', line: 19, col: 3 };
const source: SourceSpec = { id: 'landing_orders', uri: 'file://landing/orders/*.ndjson', format: 'ndjson', contract: 'orders_raw', loc };
const validate: StepSpec = { id: 'validate_raw', name: 'validate', kind: 'builtin', params: { contract: 'orders_raw' }, after: ['landing_orders'], loc };
const sinks: SinkSpec[] = [
  { id: 'bronze_orders', uri: 'file://bronze/orders/live.ndjson', format: 'ndjson', deadLetter: false, after: ['validate_raw'], loc },
  { id: 'rejected', uri: 'file://deadletter/orders-bronze.ndjson', format: 'ndjson', deadLetter: true, after: ['validate_raw'], loc },
];

function scenario(overrides: Partial<ScenarioSpec> = {}): ScenarioSpec {
  return {
    id: 'orders-bronze/ingest-raw-orders',
    pipeline: 'orders-bronze',
    slug: 'ingest-raw-orders',
    title: 'Ingest raw orders',
    steps_text: ['Given order files in the landing zone', 'When every order is validated', 'Then valid orders land in bronze'],
    herd: 'retail',
    sources: [source],
    steps: [validate],
    sinks,
    requires: { cpu: 500, memory: 268435456 },
    affinity: {},
    trigger: { kind: 'schedule', cron: '*/15 * * * *' },
    parallel: { n: 1 },
    failFast: false,
    loc,
    specHash: 'h',
    ...overrides,
  };
}

const ordersRaw: ContractEntry = {
  name: 'orders_raw',
  file: 'contracts/orders_raw.odcs.yaml',
  id: 'c1',
  version: '1.0.0',
  apiVersion: 'v3.1.0',
  datasets: ['orders_raw'],
  herd: 'retail',
  hash: 'x',
  document: {
    apiVersion: 'v3.1.0',
    kind: 'DataContract',
    id: 'c1',
    version: '1.0.0',
    status: 'active',
    schema: [
      {
        name: 'orders_raw',
        description: 'Order events as the shop sent them.',
        properties: [
          { name: 'order_id', logicalType: 'string', description: 'Order number.' },
          { name: 'amount', logicalType: 'number' },
          { name: 'lines', logicalType: 'array', items: { logicalType: 'object', properties: [{ name: 'sku', logicalType: 'string' }] } },
        ],
      },
    ],
  },
};

const RUN_ID = '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b';

function context(over: Partial<RunContext> = {}): RunContext {
  return {
    scenario: scenario(),
    contracts: { orders_raw: ordersRaw },
    project: 'acme-shop-data',
    runId: RUN_ID,
    code: { repoUrl: 'https://github.com/acme/shop-data.git', commit: '3e35d0b' },
    ...over,
  };
}

const clock = new ManualClock(Date.UTC(2026, 10, 29, 2, 0, 0));

test('a START event names the job by herd and scenario and carries the core fields', () => {
  const e = startEvent(context(), clock);
  assert.equal(e.eventType, 'START');
  assert.equal(e.eventTime, '2026-11-29T02:00:00.000Z');
  assert.equal(e.run.runId, RUN_ID);
  assert.deepEqual({ namespace: e.job.namespace, name: e.job.name }, { namespace: 'acme-shop-data/retail', name: 'orders-bronze/ingest-raw-orders' });
  assert.equal(e.producer, producerUrl());
  assert.equal(e.schemaURL, 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent');
});

test('job facets give the BATCH job type, the pipeline file at its commit and the scenario prose', () => {
  const f = startEvent(context(), clock).job.facets ?? {};
  assert.deepEqual(
    { processingType: f['jobType']?.['processingType'], integration: f['jobType']?.['integration'], jobType: f['jobType']?.['jobType'] },
    { processingType: 'BATCH', integration: 'RUNINK', jobType: 'SCENARIO' },
  );
  assert.equal(f['jobType']?._schemaURL, facetSchemaUrl('JobTypeJobFacet'));
  const code = f['sourceCodeLocation'];
  assert.equal(code?.['type'], 'git');
  assert.equal(code?.['url'], 'https://github.com/acme/shop-data/blob/3e35d0b/pipelines/orders-bronze.dsl');
  assert.equal(code?.['repoUrl'], 'https://github.com/acme/shop-data.git');
  assert.equal(code?.['path'], 'pipelines/orders-bronze.dsl');
  assert.equal(code?.['version'], '3e35d0b');
  assert.equal(f['documentation']?.['description'], 'Scenario: Ingest raw orders\n  Given order files in the landing zone\n  When every order is validated\n  Then valid orders land in bronze');
});

test('a @stream scenario is a STREAMING job and reports RUNNING events with cumulative statistics', () => {
  const ctx = context({ scenario: scenario({ trigger: { kind: 'stream' } }) });
  const e = runningEvent(ctx, clock, { stats: { inputs: { landing_orders: { records: 10 } }, outputs: { bronze_orders: { records: 9, bytes: 900 } } } });
  assert.equal(e.eventType, 'RUNNING');
  assert.equal(e.job.facets?.['jobType']?.['processingType'], 'STREAMING');
  assert.deepEqual(e.outputs[0]?.outputFacets?.['outputStatistics'], {
    _producer: producerUrl(),
    _schemaURL: facetSchemaUrl('OutputStatisticsOutputDatasetFacet'),
    rowCount: 9,
    size: 900,
  });
  assert.equal(e.inputs[0]?.inputFacets?.['inputStatistics']?.['rowCount'], 10);
});

test('inputs carry the contract schema and data source; sinks are outputs named in the herd namespace', () => {
  const e = startEvent(context(), clock);
  assert.deepEqual(e.inputs.map((d) => [d.namespace, d.name]), [['runink://retail', 'landing/orders/*.ndjson']]);
  assert.deepEqual(e.outputs.map((d) => [d.namespace, d.name]), [['runink://retail', 'bronze/orders/live.ndjson'], ['runink://retail', 'deadletter/orders-bronze.ndjson']]);
  const input = e.inputs[0]?.facets ?? {};
  assert.deepEqual(input['schema']?.['fields'], [
    { name: 'order_id', type: 'string', description: 'Order number.', ordinal_position: 1 },
    { name: 'amount', type: 'number', ordinal_position: 2 },
    { name: 'lines', type: 'array', ordinal_position: 3, fields: [{ name: '_element', type: 'object', fields: [{ name: 'sku', type: 'string', ordinal_position: 1 }] }] },
  ]);
  assert.deepEqual([input['dataSource']?.['name'], input['dataSource']?.['uri']], ['runink://retail', 'runink://retail']);
  assert.ok(e.outputs[0]?.facets?.['schema'], 'the validated sink is governed by the validate step’s contract');
  assert.equal(e.outputs[1]?.facets?.['schema'], undefined, 'the dead-letter sink has no contract schema');
  assert.equal(e.outputs[0]?.outputFacets, undefined, 'no statistics before the run has counted anything');
});

test('a source that read files is reported as one input per file, shared paths in the owning herd', () => {
  const e = completeEvent(context(), clock, {
    stats: { inputs: { landing_orders: { records: 5, files: [{ path: 'landing/orders/a.ndjson', records: 2 }, { path: 'shared/finance/landing/orders/b.ndjson', records: 3, bytes: 30 }] } } },
  });
  assert.deepEqual(e.inputs.map((d) => [d.namespace, d.name, d.inputFacets?.['inputStatistics']?.['rowCount']]), [
    ['runink://retail', 'landing/orders/a.ndjson', 2],
    ['runink://finance', 'landing/orders/b.ndjson', 3],
  ]);
});

test('validate results become dataQualityAssertions on the input and on the validated output', () => {
  const e = completeEvent(context(), clock, {
    quality: {
      landing_orders: [
        { assertion: 'required', column: 'order_id', passed: 9, failed: 1, severity: 'error' },
        { assertion: 'duplicateValues', column: 'order_id', name: 'dup-orders', passed: 10, failed: 0 },
      ],
      bronze_orders: [{ assertion: 'rowCount', passed: 1, failed: 0, expected: '> 0', actual: '9' }],
    },
  });
  const dq = e.inputs[0]?.inputFacets?.['dataQualityAssertions'];
  assert.equal(dq?._schemaURL, facetSchemaUrl('DataQualityAssertionsDatasetFacet'));
  assert.deepEqual(dq?.['assertions'], [
    { assertion: 'required', success: false, column: 'order_id', severity: 'error', actual: '1 of 10 records failed', params: { passed: 9, failed: 1 } },
    { assertion: 'duplicateValues', success: true, column: 'order_id', name: 'dup-orders', actual: '0 of 10 records failed', params: { passed: 10, failed: 0 } },
  ]);
  assert.deepEqual(e.outputs[0]?.facets?.['dataQualityAssertions']?.['assertions'], [
    { assertion: 'rowCount', success: true, expected: '> 0', actual: '9', params: { passed: 1, failed: 0 } },
  ]);
});

test('a FAIL event has errorMessage with the message and stack trace', () => {
  const e = failEvent(context(), clock, { error: { message: 'step NormalizeCurrency threw', stack: 'Error: boom\n    at run (steps/X.ts:1:1)' } });
  assert.equal(e.eventType, 'FAIL');
  const err = e.run.facets?.['errorMessage'];
  assert.deepEqual(
    [err?.['message'], err?.['programmingLanguage'], err?.['stackTrace'], err?._schemaURL],
    ['step NormalizeCurrency threw', 'JavaScript', 'Error: boom\n    at run (steps/X.ts:1:1)', facetSchemaUrl('ErrorMessageRunFacet')],
  );
  assert.equal(completeEvent(context(), clock).run.facets?.['errorMessage'], undefined, 'COMPLETE never carries an error');
});

test('parent and nominal time run facets describe the run that started this one and its schedule', () => {
  const ctx = context({
    parent: { runId: '0190a1b2-0000-7000-8000-00000000000a', namespace: 'acme-shop-data', name: 'scheduler', root: { runId: '0190a1b2-0000-7000-8000-00000000000b', namespace: 'runink', name: 'barn' } },
    nominalTime: { start: Date.UTC(2026, 10, 29, 2, 0), end: Date.UTC(2026, 10, 29, 2, 15) },
  });
  const f = abortEvent(ctx, clock, { error: { message: 'slice removed' } }).run.facets ?? {};
  assert.deepEqual(f['parent']?.['run'], { runId: '0190a1b2-0000-7000-8000-00000000000a' });
  assert.deepEqual(f['parent']?.['job'], { namespace: 'acme-shop-data', name: 'scheduler' });
  assert.deepEqual(f['parent']?.['root'], { run: { runId: '0190a1b2-0000-7000-8000-00000000000b' }, job: { namespace: 'runink', name: 'barn' } });
  assert.deepEqual([f['nominalTime']?.['nominalStartTime'], f['nominalTime']?.['nominalEndTime']], ['2026-11-29T02:00:00.000Z', '2026-11-29T02:15:00.000Z']);
  assert.equal(f['errorMessage']?.['message'], 'slice removed');
});

test('every facet of every event type carries the Runink producer and an official schema URL', () => {
  const events: RunEvent[] = [
    startEvent(context(), clock),
    completeEvent(context(), clock, { stats: { outputs: { bronze_orders: { records: 1 } } }, quality: { landing_orders: [{ assertion: 'required', passed: 1, failed: 0 }] } }),
    failEvent(context({ nominalTime: { start: 0 } }), clock, { error: { message: 'x' } }),
  ];
  const facets = events.flatMap((e) => [
    ...Object.values(e.run.facets ?? {}),
    ...Object.values(e.job.facets ?? {}),
    ...e.inputs.flatMap((d) => [...Object.values(d.facets ?? {}), ...Object.values(d.inputFacets ?? {})]),
    ...e.outputs.flatMap((d) => [...Object.values(d.facets ?? {}), ...Object.values(d.outputFacets ?? {})]),
  ]);
  assert.ok(facets.length > 20);
  for (const f of facets) {
    assert.equal(f._producer, producerUrl());
    assert.match(f._schemaURL, /^https:\/\/openlineage\.io\/spec\/facets\/\d+-\d+-\d+\/(\w+)\.json#\/\$defs\/\1$/);
  }
});

test('building the same event twice gives equal JSON: builders are pure', () => {
  assert.equal(JSON.stringify(startEvent(context(), clock)), JSON.stringify(startEvent(context(), clock)));
});
