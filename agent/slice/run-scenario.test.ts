import assert from 'node:assert/strict';
import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { runScenario } from './run-scenario.ts';
import { maskValue } from './steps/mask.ts';
import { contractDoc, ndjson, readNdjson, scenario, scratchDir } from './test-support.ts';
import type { RunContext } from './types.ts';

const CONTRACTS = {
  things: contractDoc([
    { name: 'id', logicalType: 'string', required: true, logicalTypeOptions: { pattern: '^T[0-9]+$' } },
    { name: 'amount', logicalType: 'number', required: true },
    { name: 'email', logicalType: 'string', classification: 'restricted' },
  ]),
};

let dir: string;
let data: string;
let repo: string;
let cleanup: () => Promise<void>;
const ctx = (extra: Partial<RunContext> = {}): RunContext => ({ repoRoot: repo, dataRoot: data, contracts: CONTRACTS, ...extra });

before(async () => {
  const d = await scratchDir('run');
  dir = d.path;
  cleanup = d.cleanup;
  data = join(dir, 'data');
  repo = join(dir, 'repo');
  await mkdir(join(data, 'in'), { recursive: true });
  await mkdir(join(repo, 'steps'), { recursive: true });
  await writeFile(
    join(data, 'in/things.ndjson'),
    ndjson([
      { id: 'T1', amount: 10, email: 'a@x.io' },
      { id: 'bad', amount: 5 },
      { id: 'T2', amount: -3 },
      { amount: 1 },
      { id: 'T3', amount: 0, email: null },
    ]),
  );
  await writeFile(join(data, 'in/people.csv'), 'id,amount\nT7,7\nT8,8\n');
  await writeFile(
    join(repo, 'steps/Boom.ts'),
    `export default function (record: Record<string, unknown>, ctx: { params: Record<string, unknown> }) {
       if (record['amount'] === ctx.params['explodeAt']) throw new Error('boom at ' + String(record['id']));
       if (record['amount'] === 0) return null;
       return [{ ...record, seen: true }];
     }\n`,
  );
  await writeFile(join(repo, 'steps/Count.ts'), `export function batch(records: unknown[]) { return [{ count: records.length }]; }\n`);
  await writeFile(join(repo, 'steps/BadBatch.ts'), `export function batch() { throw new Error('cannot aggregate'); }\n`);
});
after(() => cleanup());

describe('runScenario', () => {
  it('validates, routes records to sinks by `when` and dead-letters rejects with step and reason', async () => {
    const spec = scenario({
      sources: [{ id: 'things', uri: 'file://in/things.ndjson' }],
      steps: [{ id: 'check', name: 'validate', params: { contract: 'things' } }, { id: 'pii', name: 'mask', params: { contract: 'things', strategy: 'hash' } }],
      sinks: [
        { id: 'pos', uri: 'file://out/a/pos.ndjson', when: 'record.amount >= 0.0' },
        { id: 'neg', uri: 'file://out/neg.ndjson', when: 'record.amount < 0.0' },
        { id: 'rejected', uri: 'file://out/dead.ndjson', deadLetter: true },
      ],
    });
    const progress: number[] = [];
    const r = await runScenario(spec, ctx({ progressIntervalMs: 0, onProgress: (s) => progress.push(s.recordsIn['things'] ?? 0) }));
    assert.equal(r.status, 'COMPLETE', JSON.stringify(r.error));
    assert.equal(progress.at(-1), 5);
    assert.deepEqual(await readNdjson(join(data, 'out/a/pos.ndjson')), [
      { id: 'T1', amount: 10, email: maskValue('a@x.io', 'hash', '') },
      { id: 'T3', amount: 0, email: null },
    ]);
    assert.deepEqual(await readNdjson(join(data, 'out/neg.ndjson')), [{ id: 'T2', amount: -3 }]);
    assert.deepEqual(await readNdjson(join(data, 'out/dead.ndjson')), [
      { id: 'bad', amount: 5, _error: { step: 'check', reason: 'id: pattern' } },
      { amount: 1, _error: { step: 'check', reason: 'id: required' } },
    ]);
    assert.deepEqual(r.stats.recordsIn, { things: 5 });
    assert.deepEqual(r.stats.recordsOut, { pos: 2, neg: 1, rejected: 2 });
    assert.equal(r.stats.deadLettered, 2);
    assert.ok(r.stats.bytesIn > 0);
    assert.equal(r.quality.length, 1);
    assert.equal(r.quality[0]!.rows, 5);
  });

  it('a user step that throws dead-letters that record with the error message and the run goes on', async () => {
    const spec = scenario({
      sources: [{ id: 'things', uri: 'file://in/things.ndjson' }],
      steps: [{ id: 'boom', name: 'Boom', params: { explodeAt: -3 } }],
      sinks: [{ id: 'out', uri: 'file://u/out.ndjson' }, { id: 'dead', uri: 'file://u/dead.ndjson', deadLetter: true }],
    });
    const r = await runScenario(spec, ctx());
    assert.equal(r.status, 'COMPLETE', JSON.stringify(r.error));
    assert.deepEqual((await readNdjson(join(data, 'u/out.ndjson'))).map((x) => [x['id'], x['seen']]), [['T1', true], ['bad', true], [undefined, true]]);
    assert.deepEqual(await readNdjson(join(data, 'u/dead.ndjson')), [{ id: 'T2', amount: -3, _error: { step: 'boom', reason: 'boom at T2' } }]);
  });

  it('@failFast turns the first reject into FAIL and leaves no sink file behind', async () => {
    const spec = scenario({
      failFast: true,
      sources: [{ id: 'things', uri: 'file://in/things.ndjson' }],
      steps: [{ id: 'boom', name: 'Boom', params: { explodeAt: -3 } }],
      sinks: [{ id: 'out', uri: 'file://ff/out.ndjson' }],
    });
    const r = await runScenario(spec, ctx({ chunkSize: 1 }));
    assert.equal(r.status, 'FAIL');
    assert.deepEqual(r.error, { code: 'SLICE_RECORD_REJECTED', message: 'boom: boom at T2' });
    assert.deepEqual(await readdir(join(data, 'ff')), []);
  });

  it('a throwing batch step fails the run with SLICE_STEP_FAILED; a batch step sees every record once', async () => {
    const good = scenario({ sources: [{ id: 'things', uri: 'file://in/things.ndjson' }], steps: [{ id: 'count', name: 'Count' }], sinks: [{ id: 'o', uri: 'file://b/count.ndjson' }] });
    assert.equal((await runScenario(good, ctx({ chunkSize: 2 }))).status, 'COMPLETE');
    assert.deepEqual(await readNdjson(join(data, 'b/count.ndjson')), [{ count: 5 }]);
    const bad = scenario({ sources: [{ id: 'things', uri: 'file://in/things.ndjson' }], steps: [{ id: 'agg', name: 'BadBatch' }], sinks: [{ id: 'o', uri: 'file://b/bad.ndjson' }] });
    const r = await runScenario(bad, ctx());
    assert.equal(r.error?.code, 'SLICE_STEP_FAILED');
    assert.match(r.error?.message ?? '', /cannot aggregate/);
  });

  it('fan-in tags every record with `_source`, a single source adds none; CSV values arrive as strings', async () => {
    const spec = scenario({
      sources: [{ id: 'things', uri: 'file://in/things.ndjson' }, { id: 'people', uri: 'file://in/people.csv', format: 'csv' }],
      steps: [{ id: 'cast', name: 'cast', params: { amount: 'double' } }, { id: 'keep', name: 'filter', params: { expr: 'has(record.id) && record.amount > 6.0' } }],
      sinks: [{ id: 'o', uri: 'file://fan/o.ndjson' }],
    });
    const r = await runScenario(spec, ctx());
    assert.equal(r.status, 'COMPLETE', JSON.stringify(r.error));
    assert.deepEqual(await readNdjson(join(data, 'fan/o.ndjson')), [
      { id: 'T1', amount: 10, email: 'a@x.io', _source: 'things' },
      { id: 'T7', amount: 7, _source: 'people' },
      { id: 'T8', amount: 8, _source: 'people' },
    ]);
  });

  it('a sink `when` that cannot be evaluated dead-letters the record with the sink as the step', async () => {
    const spec = scenario({
      sources: [{ id: 'things', uri: 'file://in/things.ndjson' }],
      sinks: [{ id: 'mail', uri: 'file://w/mail.ndjson', when: "record.email != ''" }, { id: 'dead', uri: 'file://w/dead.ndjson', deadLetter: true }],
    });
    const r = await runScenario(spec, ctx());
    assert.equal(r.status, 'COMPLETE', JSON.stringify(r.error));
    assert.deepEqual((await readNdjson(join(data, 'w/mail.ndjson'))).map((x) => x['id']), ['T1', 'T3']);
    const dead = await readNdjson(join(data, 'w/dead.ndjson'));
    assert.deepEqual(dead.map((x) => x['_error']), [1, 2, 3].map(() => ({ step: 'mail', reason: 'sink mail when: No such key: email' })));
  });

  it('a route step sends matching records to its sink only', async () => {
    const spec = scenario({
      sources: [{ id: 'things', uri: 'file://in/things.ndjson' }],
      steps: [{ id: 'split', name: 'route', params: { expr: 'record.amount < 0.0', to: 'refunds' } }, { id: 'tag', name: 'map', params: { tagged: 'true' } }],
      sinks: [{ id: 'main', uri: 'file://r/main.ndjson' }, { id: 'refunds', uri: 'file://r/refunds.ndjson' }],
    });
    const r = await runScenario(spec, ctx());
    assert.equal(r.status, 'COMPLETE', JSON.stringify(r.error));
    assert.deepEqual(await readNdjson(join(data, 'r/refunds.ndjson')), [{ id: 'T2', amount: -3 }]);
    assert.equal((await readNdjson(join(data, 'r/main.ndjson'))).length, 4);
    assert.ok((await readNdjson(join(data, 'r/main.ndjson'))).every((x) => x['tagged'] === true));
  });

  it('refuses at run time a source symlink and a sink folder that lead out of the data root', async () => {
    await mkdir(join(dir, 'outside'), { recursive: true });
    await writeFile(join(dir, 'outside/x.ndjson'), '{"id":"T9","amount":1}\n');
    await symlink(join(dir, 'outside'), join(data, 'escape'));
    const read = scenario({ sources: [{ id: 's', uri: 'file://escape/x.ndjson' }], sinks: [{ id: 'o', uri: 'file://esc/o.ndjson' }] });
    assert.equal((await runScenario(read, ctx())).error?.code, 'SLICE_PATH_ESCAPE');
    const write = scenario({ sources: [{ id: 's', uri: 'file://in/things.ndjson' }], sinks: [{ id: 'o', uri: 'file://escape/new/o.ndjson' }] });
    const r = await runScenario(write, ctx());
    assert.equal(r.status, 'FAIL');
    assert.equal(r.error?.code, 'SLICE_PATH_ESCAPE');
    assert.deepEqual(await readdir(join(dir, 'outside')), ['x.ndjson']);
  });

  it('streams from a stdin-like readable to stdout and stops with ABORT when its signal fires', async () => {
    const stdin = Readable.from([ndjson([{ id: 'T1', amount: 1 }, { id: 'T2', amount: 2 }])]);
    const stdout = new PassThrough();
    let text = '';
    stdout.on('data', (b: Buffer) => (text += b.toString()));
    const spec = scenario({ stream: true, sources: [{ id: 'stdin', uri: 'stdin:' }], sinks: [{ id: 'stdout', uri: 'stdout:' }] });
    const r = await runScenario(spec, ctx({ stdin, stdout }));
    assert.equal(r.status, 'COMPLETE');
    assert.equal(text, '{"id":"T1","amount":1}\n{"id":"T2","amount":2}\n');

    const endless = new PassThrough();
    endless.write('{"id":"T1","amount":1}\n');
    const controller = new AbortController();
    const appended = scenario({ stream: true, sources: [{ id: 'stdin', uri: 'stdin:' }], sinks: [{ id: 'o', uri: 'file://stream/o.ndjson' }] });
    const running = runScenario(appended, ctx({ stdin: endless, signal: controller.signal, chunkSize: 1 }));
    setTimeout(() => controller.abort(new Error('stopped by test')), 100);
    const stopped = await running;
    assert.equal(stopped.status, 'ABORT');
    assert.equal(stopped.error?.code, 'SLICE_ABORTED');
    assert.deepEqual(await readNdjson(join(data, 'stream/o.ndjson')), [{ id: 'T1', amount: 1 }]);
  });

  it('an unknown contract or user module fails the run with a stable code before reading anything', async () => {
    const noContract = scenario({ sources: [{ id: 's', uri: 'file://in/things.ndjson' }], steps: [{ id: 'v', name: 'validate', params: { contract: 'nope' } }], sinks: [{ id: 'o', uri: 'file://x/o.ndjson' }] });
    assert.equal((await runScenario(noContract, ctx())).error?.code, 'SLICE_UNKNOWN_CONTRACT');
    const noModule = scenario({ sources: [{ id: 's', uri: 'file://in/things.ndjson' }], steps: [{ id: 'u', name: 'Missing' }], sinks: [{ id: 'o', uri: 'file://x/o.ndjson' }] });
    const r = await runScenario(noModule, ctx());
    assert.equal(r.error?.code, 'SLICE_STEP_LOAD_FAILED');
    assert.equal(r.stats.recordsIn['s'], 0);
  });
});
