import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LocalService } from '../node/local-service.ts';
import { MemoryBackend } from '../state/memory-backend.ts';
import { buildApp } from './app.ts';

const TOKEN = 'secret-token';
const auth = { authorization: `Bearer ${TOKEN}` };

function app(maxBodyBytes?: number) {
  return buildApp({ service: new LocalService('n1', new MemoryBackend()), token: TOKEN, ...(maxBodyBytes ? { maxBodyBytes } : {}) });
}

test('a put is read back with its revisions, and a key with slashes is one key', async () => {
  const a = app();
  const put = await a.inject({ method: 'PUT', url: `/v1/kv/${encodeURIComponent('/runink/agents/a1')}`, headers: auth, payload: { value: { cpu: 2 } } });
  assert.equal(put.statusCode, 200, put.body);
  assert.equal(put.json().modRevision, 1);
  const got = await a.inject({ method: 'GET', url: `/v1/kv/${encodeURIComponent('/runink/agents/a1')}`, headers: auth });
  assert.equal(got.statusCode, 200);
  assert.deepEqual(got.json().value, { cpu: 2 });
  assert.equal(got.json().key, '/runink/agents/a1');
  const list = await a.inject({ method: 'GET', url: `/v1/kv?prefix=${encodeURIComponent('/runink/agents/')}`, headers: auth });
  assert.deepEqual(list.json().records.map((r: { key: string }) => r.key), ['/runink/agents/a1']);
});

test('a put whose ifRevision does not match is 409 with the current record', async () => {
  const a = app();
  await a.inject({ method: 'PUT', url: '/v1/kv/k', headers: auth, payload: { value: 1 } });
  const stale = await a.inject({ method: 'PUT', url: '/v1/kv/k', headers: auth, payload: { value: 2, ifRevision: 7 } });
  assert.equal(stale.statusCode, 409);
  assert.equal(stale.json().code, 'BARN_COMPARE_FAILED');
  assert.equal(stale.json().current.value, 1);
  const create = await a.inject({ method: 'PUT', url: '/v1/kv/k', headers: auth, payload: { value: 2, ifRevision: 0 } });
  assert.equal(create.statusCode, 409, 'ifRevision 0 means the key must not exist');
  const ok = await a.inject({ method: 'PUT', url: '/v1/kv/k', headers: auth, payload: { value: 2, ifRevision: 1 } });
  assert.equal(ok.statusCode, 200);
});

test('a missing key is 404 and a delete reports how many keys it removed', async () => {
  const a = app();
  assert.equal((await a.inject({ method: 'GET', url: '/v1/kv/nope', headers: auth })).statusCode, 404);
  await a.inject({ method: 'PUT', url: '/v1/kv/d', headers: auth, payload: { value: true } });
  const del = await a.inject({ method: 'DELETE', url: '/v1/kv/d', headers: auth });
  assert.deepEqual(del.json(), { revision: 2, deleted: 1 });
});

test('a txn applies the success branch only when every compare holds', async () => {
  const a = app();
  await a.inject({ method: 'PUT', url: '/v1/kv/applied', headers: auth, payload: { value: 'c1' } });
  const payload = (expect: string) => ({
    compare: [{ key: 'applied', target: 'value', op: '=', value: expect }],
    success: [{ type: 'put', key: 'applied', value: 'c2' }],
    failure: [],
  });
  const stale = await a.inject({ method: 'POST', url: '/v1/txn', headers: auth, payload: payload('c0') });
  assert.equal(stale.json().succeeded, false);
  const fresh = await a.inject({ method: 'POST', url: '/v1/txn', headers: auth, payload: payload('c1') });
  assert.equal(fresh.json().succeeded, true);
  assert.equal((await a.inject({ method: 'GET', url: '/v1/kv/applied', headers: auth })).json().value, 'c2');
});

test('bad input gets a clear error and changes nothing', async () => {
  const a = app(4096);
  const noToken = await a.inject({ method: 'GET', url: '/v1/status' });
  assert.equal(noToken.statusCode, 401);
  const wrong = await a.inject({ method: 'GET', url: '/v1/status', headers: { authorization: 'Bearer nope' } });
  assert.equal(wrong.statusCode, 401);
  assert.equal(wrong.json().code, 'BARN_UNAUTHORIZED');
  const malformed = await a.inject({ method: 'PUT', url: '/v1/kv/x', headers: { ...auth, 'content-type': 'application/json' }, payload: '{"value": ' });
  assert.equal(malformed.statusCode, 400);
  assert.equal(malformed.json().code, 'BARN_BAD_REQUEST');
  const noValue = await a.inject({ method: 'PUT', url: '/v1/kv/x', headers: auth, payload: { val: 1 } });
  assert.equal(noValue.statusCode, 400);
  const big = await a.inject({ method: 'PUT', url: '/v1/kv/x', headers: auth, payload: { value: 'x'.repeat(10_000) } });
  assert.equal(big.statusCode, 413);
  assert.equal(big.json().code, 'BARN_BODY_TOO_LARGE');
  const unknown = await a.inject({ method: 'DELETE', url: '/v1/members/n9', headers: auth });
  assert.equal(unknown.statusCode, 404);
  assert.equal(unknown.json().code, 'BARN_UNKNOWN_MEMBER');
  assert.equal((await a.inject({ method: 'GET', url: '/v1/kv/x', headers: auth })).statusCode, 404, 'nothing was written');
  assert.equal((await a.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'healthz needs no token');
});

test('a value over the state machine limit is 413 even within the body limit', async () => {
  const a = app(4 * 1024 * 1024);
  const r = await a.inject({ method: 'PUT', url: '/v1/kv/big', headers: auth, payload: { value: 'x'.repeat(1024 * 1024 + 10) } });
  assert.equal(r.statusCode, 413);
  assert.equal(r.json().code, 'BARN_VALUE_TOO_LARGE');
});

test('a watch from a revision streams history then live events as server-sent events', async (t) => {
  const a = app();
  await a.inject({ method: 'PUT', url: '/v1/kv/w/1', headers: auth, payload: { value: 1 } });
  await a.inject({ method: 'PUT', url: '/v1/kv/other', headers: auth, payload: { value: 0 } });
  const address = await a.listen({ port: 0, host: '127.0.0.1' });
  t.after(() => a.close());
  const controller = new AbortController();
  const res = await fetch(`${address}/v1/watch?prefix=w/&fromRevision=1`, { headers: auth, signal: controller.signal });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/event-stream');
  await a.inject({ method: 'PUT', url: '/v1/kv/w/2', headers: auth, payload: { value: 2 } });
  const reader = res.body!.getReader();
  let text = '';
  while (!text.includes('"w/2"')) text += new TextDecoder().decode((await reader.read()).value);
  controller.abort();
  const revisions = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
  assert.deepEqual(revisions, [1, 3], 'history (rev 1), then the live put (rev 3); rev 2 is another prefix');
});
