import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isRuninkError } from '../../common/error.ts';
import { fileSink } from './file-sink.ts';
import type { RunEvent } from './openlineage-types.ts';

const ev = (t: RunEvent['eventType']): RunEvent => ({
  eventType: t,
  eventTime: '2026-01-01T00:00:00.000Z',
  run: { runId: '0190a1b2-0000-7000-8000-000000000001' },
  job: { namespace: 'acme/retail', name: 'orders-bronze/ingest-raw-orders' },
  inputs: [],
  outputs: [],
  producer: 'https://runink.dev/producer/runi/v0.1.0',
  schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
});

test('the file sink appends one JSON line per event, in order, creating parent folders', async () => {
  await mkdir(join(tmpdir(), 'agent-lineage'), { recursive: true });
  const dir = await mkdtemp(join(tmpdir(), 'agent-lineage', 'file-sink-'));
  try {
    const path = join(dir, 'nested', 'lineage.ndjson');
    const sink = await fileSink(path);
    await Promise.all([sink.emit(ev('START')), sink.emit(ev('RUNNING')), sink.emit(ev('COMPLETE'))]);
    await sink.close();
    const again = await fileSink(path);
    await again.emit(ev('START'));
    await again.close();
    const lines = (await readFile(path, 'utf8')).split('\n');
    assert.equal(lines.pop(), '', 'every line ends with a newline');
    assert.deepEqual(lines.map((l) => (JSON.parse(l) as RunEvent).eventType), ['START', 'RUNNING', 'COMPLETE', 'START']);
    await assert.rejects(sink.emit(ev('FAIL')), (e: unknown) => isRuninkError(e, 'LINEAGE_EMITTER_CLOSED'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
