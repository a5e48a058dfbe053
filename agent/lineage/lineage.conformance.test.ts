// OpenLineage conformance: every event the builders produce for the example repository's scenarios validates
// against the official core and facet schemas (each facet checked against the schema that defines it, with
// the official `_schemaURL`), and the spec's own golden facet examples validate against their facet schemas,
// which proves the validator wiring. Reads the corpus from RUNINK_CONFORMANCE_DIR (default
// <project root>/../shared/conformance); runs under `npm run test:conformance`.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { ManualClock } from '../../common/clock.ts';
import { seededRng } from '../../common/rng.ts';
import type { DesiredState, ScenarioSpec } from '../../contracts/desired-state.ts';
import { compileRecordValidator, isCompileFailure } from '../../contracts/record-validator/compile-record-validator.ts';
import { compileRepo } from '../../reconciler/desired/compile-state.ts';
import { worktreeReader } from '../../reconciler/source/worktree-reader.ts';
import { sinkContract } from './datasets.ts';
import { openHttpEmitter } from './emitter.ts';
import { FACET_SCHEMA_IDS, facetSchemaUrl, type FacetDefinition } from './facet-urls.ts';
import type { RunEvent } from './openlineage-types.ts';
import { abortEvent, completeEvent, failEvent, runningEvent, startEvent } from './run-events.ts';
import { fileSink } from './file-sink.ts';
import { fanOut } from './lineage-sink.ts';
import { runIdFactory } from './run-id.ts';
import { runLineage } from './run-lineage.ts';
import { assertionsFromQuality } from './quality-facet.ts';
import type { AssertionResult, DatasetStats, RunContext } from './run-inputs.ts';
import { loadOpenLineageSchemas } from './validate-event.ts';

const root = join(import.meta.dirname, '..', '..');
const corpus = process.env['RUNINK_CONFORMANCE_DIR'] ?? join(root, '..', 'shared', 'conformance');
const spec = join(corpus, 'openlineage', 'spec');
const schemas = loadOpenLineageSchemas(corpus);
const COMMIT = '3e35d0b9a1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6';

let state: Promise<DesiredState> | undefined;
function desired(): Promise<DesiredState> {
  state ??= compileRepo(worktreeReader(join(root, 'examples-repo')));
  return state;
}

function everyEvent(s: DesiredState, scenario: ScenarioSpec, n: number): RunEvent[] {
  const clock = new ManualClock(Date.UTC(2026, 10, 29, 3, 30));
  const newRunId = runIdFactory(clock, seededRng(n));
  const ctx: RunContext = {
    scenario,
    contracts: s.contracts,
    project: s.project.name,
    runId: newRunId(),
    code: { repoUrl: 'https://github.com/acme/shop-data.git', commit: COMMIT, branch: 'main' },
    parent: { runId: newRunId(), namespace: `${s.project.name}/scheduler`, name: 'scheduler', root: { runId: newRunId(), namespace: 'runink', name: 'barn' } },
    ...(scenario.trigger.kind === 'schedule' ? { nominalTime: { start: clock.now() } } : {}),
  };
  // Statistics and quality results from the scenario's golden data, measured by the contract record validator.
  const quality: Record<string, AssertionResult[]> = {};
  const stats = { inputs: {} as Record<string, DatasetStats>, outputs: {} as Record<string, DatasetStats> };
  const measure = (nodeId: string, file: string, contract: string | undefined, side: 'inputs' | 'outputs'): void => {
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    const records = text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as unknown);
    stats[side][nodeId] = { records: records.length, bytes: Buffer.byteLength(text) };
    const document = contract === undefined ? undefined : s.contracts[contract]?.document;
    if (document === undefined) return;
    const validator = compileRecordValidator(document);
    assert.ok(!isCompileFailure(validator), `${contract} compiles to a record validator`);
    const state = validator.quality();
    let failed = 0;
    for (const r of records) {
      state.observe(r);
      if (!validator.check(r).ok) failed++;
    }
    quality[nodeId] = [{ assertion: 'contract', name: contract, passed: records.length - failed, failed }, ...assertionsFromQuality(state.results())];
  };
  const golden = join(root, 'examples-repo', scenario.golden ?? 'golden/none');
  for (const src of scenario.sources) measure(src.id, join(golden, 'input', `${src.id}.ndjson`), src.contract, 'inputs');
  for (const sink of scenario.sinks) measure(sink.id, join(golden, 'expected', `${sink.id}.ndjson`), sinkContract(scenario, sink), 'outputs');
  const events = [startEvent(ctx, clock)];
  clock.advance(60_000);
  if (scenario.trigger.kind === 'stream') events.push(runningEvent(ctx, clock, { stats, quality }));
  clock.advance(60_000);
  events.push(completeEvent(ctx, clock, { stats, quality }));
  events.push(failEvent(ctx, clock, { stats, quality, error: { message: 'step NormalizeCurrency threw', stack: 'Error: x\n    at normalize (steps/NormalizeCurrency.ts:12:5)' } }));
  events.push(abortEvent(ctx, clock, { error: { message: 'slice moved to another agent' } }));
  return events;
}

test('every event built for every example scenario validates against the official core and facet schemas', async () => {
  const s = await desired();
  const scenarios = Object.values(s.pipelines).flatMap((p) => p.scenarios);
  assert.ok(scenarios.length >= 5, 'the example repository compiles to its scenarios');
  assert.ok(scenarios.some((sc) => sc.trigger.kind === 'stream'), 'a @stream scenario is among them');
  let checked = 0;
  let rules = 0;
  scenarios.forEach((scenario, i) => {
    for (const event of everyEvent(s, scenario, i)) {
      const r = schemas.validateEvent(JSON.parse(JSON.stringify(event)));
      assert.deepEqual(r.problems, [], `${scenario.id} ${event.eventType}`);
      const unchecked = r.facets.filter((f) => f.schema === undefined);
      assert.deepEqual(unchecked, [], `${scenario.id} ${event.eventType}: every facet has an official schema`);
      checked += r.facets.length;
      if (event.eventType === 'COMPLETE') {
        const dq = [...event.inputs.map((d) => d.inputFacets?.['dataQualityAssertions']), ...event.outputs.map((d) => d.facets?.['dataQualityAssertions'])].filter((f) => f !== undefined);
        assert.ok(dq.length > 0, `${scenario.id}: quality measured on golden data is reported`);
        rules += dq.reduce((n, f) => n + (f['assertions'] as unknown[]).length, 0);
      }
    }
  });
  assert.ok(checked > 100, `facets checked: ${checked}`);
  assert.ok(rules > 20, `quality assertions reported: ${rules}`);
});

test('every facet carries the official schema URL of the definition it was checked against', async () => {
  const s = await desired();
  const scenario = s.pipelines['revenue-gold']?.scenarios[0];
  assert.ok(scenario);
  for (const event of everyEvent(s, scenario, 7)) {
    const r = schemas.validateEvent(event);
    for (const f of r.facets) {
      const pointer = f.path.split('/').slice(1);
      let value: unknown = event;
      for (const k of pointer) value = (value as Record<string, unknown>)[k];
      assert.equal((value as { _schemaURL: string })._schemaURL, f.schema, f.path);
    }
  }
});

test('the schema URLs Runink writes are the $id-derived URLs of the facet schemas in the corpus', () => {
  for (const [definition, id] of Object.entries(FACET_SCHEMA_IDS)) {
    assert.equal(schemas.files[definition], id, `${definition}: facet file $id`);
    const file = JSON.parse(readFileSync(join(spec, 'facets', `${definition}.json`), 'utf8')) as { $defs: Record<string, unknown> };
    assert.ok(file.$defs[definition], `${definition} is defined in its file`);
    assert.equal(facetSchemaUrl(definition as FacetDefinition), `${id}#/$defs/${definition}`);
  }
});

test('an event that breaks the core or a facet schema is rejected with stable codes and the path', async () => {
  const s = await desired();
  const scenario = s.pipelines['orders-bronze']?.scenarios[0];
  assert.ok(scenario);
  const [start] = everyEvent(s, scenario, 1);
  const bad = JSON.parse(JSON.stringify(start)) as Record<string, any>;
  bad['eventType'] = 'FINISHED';
  bad['run']['runId'] = 'not-a-uuid';
  delete bad['job']['facets']['jobType']['integration'];
  bad['inputs'][0]['facets']['schema']['fields'][0]['ordinal_position'] = 'first';
  bad['job']['facets']['documentation']['_schemaURL'] = `${FACET_SCHEMA_IDS.DocumentationJobFacet}#/$defs/NoSuchFacet`;
  const r = schemas.validateEvent(bad);
  assert.equal(r.ok, false);
  const codes = new Set(r.problems.map((p) => `${p.code} ${p.path}`));
  assert.ok(codes.has('LINEAGE_FACET_SCHEMA /job/facets/jobType'), [...codes].join('\n'));
  assert.ok(codes.has('LINEAGE_FACET_SCHEMA /inputs/0/facets/schema/fields/0/ordinal_position'), [...codes].join('\n'));
  assert.ok(codes.has('LINEAGE_FACET_SCHEMA_URL /job/facets/documentation/_schemaURL'), [...codes].join('\n'));
  assert.ok([...codes].some((c) => c.startsWith('LINEAGE_EVENT_SCHEMA')), [...codes].join('\n'));
});

test("every golden example of the spec validates against its facet schema, and the full event against the core", () => {
  const tests = join(spec, 'tests');
  const files = readdirSync(tests, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.json'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
  assert.ok(files.length >= 40, `expected the spec's tests under ${tests}`);
  for (const file of files) {
    const rel = relative(tests, file);
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (!rel.includes('/')) {
      const r = schemas.validateEvent(value);
      assert.deepEqual(r.problems.filter((p) => p.code === 'LINEAGE_EVENT_SCHEMA'), [], rel);
      continue;
    }
    const facetFile = rel.slice(0, rel.indexOf('/'));
    assert.ok(schemas.files[facetFile], `${rel}: a facet schema named ${facetFile}`);
    assert.deepEqual(schemas.validateFacetFile(facetFile, value), [], rel);
    const key = Object.keys(value as object)[0];
    assert.ok(key !== undefined && typeof (value as Record<string, unknown>)[key] === 'object', `${rel} holds a facet`);
  }
});

test('a golden facet example with a field broken is rejected by its facet schema', () => {
  const value = JSON.parse(readFileSync(join(spec, 'tests', 'ErrorMessageRunFacet', '1.json'), 'utf8')) as Record<string, Record<string, unknown>>;
  const facetKey = Object.keys(value)[0] as string;
  delete (value[facetKey] as Record<string, unknown>)['programmingLanguage'];
  const problems = schemas.validateFacetFile('ErrorMessageRunFacet', value);
  assert.ok(problems.some((p) => p.code === 'LINEAGE_FACET_SCHEMA' && p.message.includes('programmingLanguage')), JSON.stringify(problems));
});

test('a stream run through runLineage reaches a strict endpoint and a lineage file, every event valid and in order', async () => {
  const s = await desired();
  const scenario = s.pipelines['payments-bronze']?.scenarios[0];
  assert.ok(scenario?.trigger.kind === 'stream');
  const received: unknown[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const event: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const r = schemas.validateEvent(event);
      if (r.ok) received.push(event);
      res.writeHead(r.ok ? 201 : 400).end(JSON.stringify(r.problems));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  mkdirSync(join(tmpdir(), 'agent-lineage'), { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'agent-lineage', 'conformance-'));
  try {
    const rejected: string[] = [];
    const http = await openHttpEmitter({
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      spoolDir: join(dir, 'spool'),
      fsync: false,
      onError: (e) => rejected.push(e.code),
    });
    const file = await fileSink(join(dir, 'lineage.ndjson'));
    const clock = new ManualClock(Date.UTC(2026, 10, 29, 12));
    const ctx: RunContext = { scenario, contracts: s.contracts, project: s.project.name, runId: runIdFactory(clock, seededRng(3))(), code: { repoUrl: join(root, 'examples-repo'), commit: s.commit } };
    const run = runLineage(ctx, clock, fanOut([file, http]));
    await run.start();
    for (const n of [100, 250]) {
      clock.advance(30_000);
      await run.running({ stats: { inputs: { psp_events: { records: n } }, outputs: { bronze_payments: { records: n - 1, bytes: n * 200 }, rejected: { records: 1 } } } });
    }
    await run.abort({ message: 'slice moved to agent n2' }, { stats: { inputs: { psp_events: { records: 260 } } } });
    await http.flush();
    await http.close();
    await file.close();
    assert.deepEqual(rejected, [], 'the strict endpoint accepted every event');
    const lines = readFileSync(join(dir, 'lineage.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as RunEvent);
    assert.deepEqual(lines.map((e) => e.eventType), ['START', 'RUNNING', 'RUNNING', 'ABORT']);
    assert.deepEqual(received, lines, 'the endpoint got the same events as the file, once each and in order');
    for (const e of lines) assert.deepEqual(schemas.validateEvent(e).problems, []);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  }
});
