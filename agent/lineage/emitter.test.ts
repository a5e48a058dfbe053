import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isRuninkError, type RuninkError } from '../../common/error.ts';
import { openHttpEmitter } from './emitter.ts';
import type { Timers } from './timers.ts';
import type { RunEvent } from './openlineage-types.ts';
import { spoolPath } from './spool.ts';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const base = join(tmpdir(), 'agent-lineage');
  await mkdir(base, { recursive: true });
  const d = await mkdtemp(join(base, 'emitter-'));
  dirs.push(d);
  return d;
}

function event(n: number): RunEvent {
  return {
    eventType: 'START',
    eventTime: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
    run: { runId: `0190a1b2-0000-7000-8000-${String(n).padStart(12, '0')}` },
    job: { namespace: 'acme/retail', name: 'orders-bronze/ingest-raw-orders' },
    inputs: [],
    outputs: [],
    producer: 'https://runink.dev/producer/runi/v0.1.0',
    schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
  };
}

interface Lineage {
  readonly server: Server;
  readonly url: string;
  readonly received: RunEvent[];
  readonly requests: { method: string; path: string; contentType: string }[];
  close(): Promise<void>;
}

/** An OpenLineage endpoint on loopback; `answer(n)` gives the status of the n-th request (1-based). */
async function endpoint(answer: (n: number) => number = () => 201, port = 0): Promise<Lineage> {
  const received: RunEvent[] = [];
  const requests: Lineage['requests'] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', path: req.url ?? '', contentType: req.headers['content-type'] ?? '' });
      const status = answer(requests.length);
      if (status >= 200 && status < 300) received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as RunEvent);
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    server,
    url,
    received,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const fast = { initialMs: 2, maxMs: 20, factor: 2 };

test('every event arrives exactly once and in order when the endpoint fails the first requests', async () => {
  const lineage = await endpoint((n) => (n <= 3 ? 503 : 201));
  const errors: RuninkError[] = [];
  const emitter = await openHttpEmitter({ url: lineage.url, spoolDir: await tempDir(), backoff: fast, fsync: false, onError: (e) => errors.push(e) });
  for (let i = 1; i <= 5; i++) await emitter.emit(event(i));
  await emitter.flush();
  await emitter.close();
  await lineage.close();
  assert.deepEqual(lineage.received.map((e) => e.eventTime), [1, 2, 3, 4, 5].map((i) => event(i).eventTime));
  assert.equal(lineage.requests.length, 8, 'three failed attempts, then five accepted posts');
  assert.ok(lineage.requests.every((r) => r.method === 'POST' && r.path === '/api/v1/lineage' && r.contentType === 'application/json'));
  assert.deepEqual(errors.map((e) => e.code), ['LINEAGE_ENDPOINT_UNAVAILABLE', 'LINEAGE_ENDPOINT_UNAVAILABLE', 'LINEAGE_ENDPOINT_UNAVAILABLE']);
  assert.equal(emitter.pendingCount(), 0);
});

test('events spooled while the endpoint was down are replayed in order by the next emitter', async () => {
  const probe = await endpoint();
  const port = Number(new URL(probe.url).port);
  await probe.close();
  const dir = await tempDir();
  const down: RuninkError[] = [];
  const first = await openHttpEmitter({ url: probe.url, spoolDir: dir, backoff: { initialMs: 5, maxMs: 50, factor: 2 }, onError: (e) => down.push(e) });
  for (let i = 1; i <= 4; i++) await first.emit(event(i));
  await first.close();
  assert.ok(down.length >= 1 && down.every((e) => e.code === 'LINEAGE_ENDPOINT_UNAVAILABLE'), 'the outage was reported');
  assert.equal((await readFile(spoolPath(dir, 'openlineage'), 'utf8')).trim().split('\n').length, 4, 'four events wait on disk');

  const lineage = await endpoint(() => 200, port);
  const second = await openHttpEmitter({ url: lineage.url, spoolDir: dir, backoff: fast });
  await second.emit(event(5));
  await second.flush();
  await second.close();
  await lineage.close();
  assert.deepEqual(lineage.received.map((e) => e.eventTime), [1, 2, 3, 4, 5].map((i) => event(i).eventTime));
  assert.equal(await readFile(spoolPath(dir, 'openlineage'), 'utf8'), '', 'the spool is empty once everything is delivered');
});

test('an event the endpoint rejects with 400 is set aside and the ones after it still arrive', async () => {
  const lineage = await endpoint((n) => (n === 2 ? 400 : 201));
  const dir = await tempDir();
  const errors: RuninkError[] = [];
  const emitter = await openHttpEmitter({ url: `${lineage.url}/`, spoolDir: dir, backoff: fast, fsync: false, onError: (e) => errors.push(e) });
  for (let i = 1; i <= 3; i++) await emitter.emit(event(i));
  await emitter.flush();
  await emitter.close();
  await lineage.close();
  assert.deepEqual(lineage.received.map((e) => e.eventTime), [event(1).eventTime, event(3).eventTime]);
  assert.deepEqual(errors.map((e) => [e.code, e.data['status']]), [['LINEAGE_ENDPOINT_REJECTED', 400]]);
  const rejected = JSON.parse((await readFile(join(dir, 'openlineage.rejected.ndjson'), 'utf8')).trim()) as { status: number; event: RunEvent };
  assert.equal(rejected.status, 400);
  assert.equal(rejected.event.eventTime, event(2).eventTime);
});

test('a full spool refuses the event with LINEAGE_SPOOL_FULL and keeps the earlier ones', async () => {
  const probe = await endpoint();
  await probe.close();
  const dir = await tempDir();
  const one = Buffer.byteLength(`${JSON.stringify({ seq: 1, event: event(1) })}\n`);
  const emitter = await openHttpEmitter({ url: probe.url, spoolDir: dir, maxSpoolBytes: one * 2 + 10, backoff: { initialMs: 1000, maxMs: 1000, factor: 1 }, fsync: false });
  await emitter.emit(event(1));
  await emitter.emit(event(2));
  await assert.rejects(emitter.emit(event(3)), (e: unknown) => {
    assert.ok(isRuninkError(e, 'LINEAGE_SPOOL_FULL'));
    assert.equal(e.data['pendingEvents'], 2);
    assert.match(e.message, /is full/);
    return true;
  });
  assert.equal(emitter.pendingCount(), 2);
  await emitter.close();
});

test('retries wait exponentially longer, capped, on the injected timers', async () => {
  const delays: number[] = [];
  let pending: (() => void) | undefined;
  const timers: Timers = {
    setTimeout: (fn, ms) => {
      delays.push(ms);
      pending = fn;
      return delays.length;
    },
    clearTimeout: () => {
      pending = undefined;
    },
  };
  let calls = 0;
  const emitter = await openHttpEmitter({
    url: 'http://lineage.invalid',
    spoolDir: await tempDir(),
    fsync: false,
    timers,
    backoff: { initialMs: 100, maxMs: 500, factor: 2 },
    transport: async () => ({ status: ++calls <= 4 ? 502 : 200 }),
  });
  await emitter.emit(event(1));
  const done = emitter.flush();
  for (let i = 0; i < 20 && calls < 5; i++) {
    await new Promise((r) => setImmediate(r));
    const fire = pending;
    pending = undefined;
    fire?.();
  }
  await done;
  await emitter.close();
  assert.deepEqual(delays, [100, 200, 400, 500]);
  assert.equal(calls, 5);
});

test('flush rejects with LINEAGE_EMITTER_CLOSED when the emitter closes with events still spooled', async () => {
  const emitter = await openHttpEmitter({ url: 'http://lineage.invalid', spoolDir: await tempDir(), fsync: false, transport: async () => ({ status: 503 }), backoff: { initialMs: 60_000, maxMs: 60_000, factor: 1 } });
  await emitter.emit(event(1));
  const flushed = assert.rejects(emitter.flush(), (e: unknown) => isRuninkError(e, 'LINEAGE_EMITTER_CLOSED') && e.data['pending'] === 1);
  await emitter.close();
  await flushed;
  await assert.rejects(emitter.emit(event(2)), (e: unknown) => isRuninkError(e, 'LINEAGE_EMITTER_CLOSED'));
});

test('closing aborts a request the endpoint never answers, and the event stays spooled', async () => {
  const held: ServerResponse[] = [];
  const server = createServer((_req, res) => void held.push(res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dir = await tempDir();
  const emitter = await openHttpEmitter({ url, spoolDir: dir, fsync: false, requestTimeoutMs: 60_000 });
  await emitter.emit(event(1));
  for (let i = 0; i < 100 && held.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
  const began = performance.now();
  await emitter.close();
  assert.ok(performance.now() - began < 5_000, 'close returned without waiting for the request timeout');
  assert.equal(held.length, 1);
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  assert.equal((await readFile(spoolPath(dir, 'openlineage'), 'utf8')).trim().split('\n').length, 1);
});
