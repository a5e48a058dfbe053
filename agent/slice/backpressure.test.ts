// Backpressure: a slow sink must stall the source, not let chunks pile up in memory.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runScenario } from './run-scenario.ts';
import type { RecordSink } from './sinks/record-sink.ts';
import type { RecordSource, SourceChunk } from './sources/record-source.ts';
import { scenario } from './test-support.ts';
import type { Rec } from './types.ts';

describe('backpressure', () => {
  it('a slow sink keeps the number of chunks read ahead of it bounded, whatever the input size', async () => {
    let produced = 0;
    let written = 0;
    let maxAhead = 0;
    const source: RecordSource = {
      id: 'gen',
      async *chunks(chunkSize: number): AsyncGenerator<SourceChunk> {
        for (let c = 0; c < 200; c++) {
          const records: Rec[] = [];
          for (let i = 0; i < chunkSize; i++) records.push({ n: c * chunkSize + i, pad: 'x'.repeat(100) });
          produced++;
          maxAhead = Math.max(maxAhead, produced - written);
          yield { records, rejects: [], bytes: 0 };
        }
      },
    };
    let records = 0;
    const slow: RecordSink = {
      id: 'slow',
      async write(batch) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        records += batch.length;
        written++;
      },
      commit: async () => undefined,
      abort: async () => undefined,
    };
    const spec = scenario({
      sources: [{ id: 'gen', uri: 'file://unused.ndjson' }],
      steps: [{ id: 'even', name: 'filter', params: { expr: 'true' } }, { id: 'm', name: 'map', params: { k: 'record.n * 2.0' } }],
      sinks: [{ id: 'slow', uri: 'file://unused-out.ndjson' }],
    });
    const r = await runScenario(spec, { repoRoot: '.', dataRoot: '.', contracts: {}, sources: { gen: source }, sinks: { slow }, chunkSize: 256 });
    assert.equal(r.status, 'COMPLETE', JSON.stringify(r.error));
    assert.equal(records, 200 * 256);
    assert.ok(maxAhead <= 1, `source ran ${maxAhead} chunks ahead of the sink`);
    assert.equal(r.stats.maxInFlightChunks, 1);
    assert.equal(r.stats.inFlightChunks, 0);
  });
});
