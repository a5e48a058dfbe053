// @parallel(n, key=): worker processes joined by pipes give the same records as the in-process loop.
import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ScenarioSpec } from '../../contracts/desired-state.ts';
import { partitionOf } from './parallel-protocol.ts';
import { runScenario } from './run-scenario.ts';
import { contractDoc, ndjson, readNdjson, scenario, scratchDir } from './test-support.ts';

const CONTRACTS = { things: contractDoc([{ name: 'id', logicalType: 'string', required: true }, { name: 'n', logicalType: 'number', required: true, logicalTypeOptions: { maximum: 900 } }]) };
let data: string;
let cleanup: () => Promise<void>;

before(async () => {
  const d = await scratchDir('parallel');
  data = d.path;
  cleanup = d.cleanup;
  await mkdir(join(data, 'in'), { recursive: true });
  const records = Array.from({ length: 1000 }, (_, i) => ({ id: `K${i % 300}`, n: i }));
  await writeFile(join(data, 'in/a.ndjson'), ndjson(records.slice(0, 600)) + 'broken line\n');
  await writeFile(join(data, 'in/b.ndjson'), ndjson(records.slice(600)));
});
after(() => cleanup());

function spec(n: number, extra: Partial<ScenarioSpec> = {}): ScenarioSpec {
  const base = scenario({
    sources: [{ id: 'things', uri: 'file://in/*.ndjson' }],
    steps: [{ id: 'dedupe', name: 'dedupe', params: { key: ['id'] } }, { id: 'check', name: 'validate', params: { contract: 'things' } }, { id: 'double', name: 'map', params: { twice: 'record.n * 2.0' } }],
    sinks: [{ id: 'low', uri: `file://out${n}/low.ndjson`, when: 'record.n < 100.0' }, { id: 'high', uri: `file://out${n}/high.ndjson`, when: 'record.n >= 100.0' }, { id: 'dead', uri: `file://out${n}/dead.ndjson`, deadLetter: true }],
  });
  return { ...base, parallel: { n, key: 'id' }, ...extra };
}

const sorted = (rs: Array<Record<string, unknown>>): string[] => rs.map((r) => JSON.stringify(r)).sort();

describe('@parallel', () => {
  it('partitions by a stable hash of the key', () => {
    assert.equal(partitionOf({ id: 'K1' }, 'id', 4), partitionOf({ id: 'K1', other: 2 }, 'id', 4));
    const spread = new Set(Array.from({ length: 100 }, (_, i) => partitionOf({ id: `K${i}` }, 'id', 4)));
    assert.equal(spread.size, 4);
  });

  it('three worker processes produce the same records per sink as one process, dedupe included', async () => {
    const one = await runScenario(spec(1), { repoRoot: data, dataRoot: data, contracts: CONTRACTS, chunkSize: 64 });
    const three = await runScenario(spec(3), { repoRoot: data, dataRoot: data, contracts: CONTRACTS, chunkSize: 64 });
    assert.equal(one.status, 'COMPLETE', JSON.stringify(one.error));
    assert.equal(three.status, 'COMPLETE', JSON.stringify(three.error));
    for (const sink of ['low', 'high', 'dead']) {
      assert.deepEqual(sorted(await readNdjson(join(data, `out3/${sink}.ndjson`))), sorted(await readNdjson(join(data, `out1/${sink}.ndjson`))), sink);
    }
    assert.equal((await readNdjson(join(data, 'out3/low.ndjson'))).length + (await readNdjson(join(data, 'out3/high.ndjson'))).length, 300);
    assert.deepEqual(three.stats.recordsIn, { things: 1000 });
    assert.deepEqual(three.stats.recordsOut, one.stats.recordsOut);
    assert.equal(three.stats.deadLettered, one.stats.deadLettered);
    assert.deepEqual([...new Set(three.quality.map((q) => q.partition))].sort(), [0, 1, 2]);
  });

  it('a failing worker fails the run with its error code and leaves no sink file', async () => {
    const r = await runScenario(spec(2, { failFast: true }), { repoRoot: data, dataRoot: data, contracts: CONTRACTS, chunkSize: 64 });
    assert.equal(r.status, 'FAIL');
    assert.equal(r.error?.code, 'SLICE_RECORD_REJECTED');
    assert.deepEqual((await readdir(join(data, 'out2'))).filter((f) => !f.startsWith('.')), []);
  });
});
