import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BarnClient } from '../../barn/client.ts';
import type { AgentLease, AgentRecord } from '../../contracts/agent-record.ts';
import { AgentLeaseKeeper } from './lease.ts';
import { tempBarn } from './test-support.ts';

const KEY = '/runink/agents/a1';
const TTL = 600;

function keeper(client: BarnClient, session: string, holderDead: (s: string) => boolean = () => false): AgentLeaseKeeper {
  const record = (lease: AgentLease): AgentRecord => ({ apiVersion: 'runink.dev/v1', kind: 'Agent', node: 'a1', labels: {}, capacity: { cpu: 1000, memory: 1 }, lease, slices: {} });
  return new AgentLeaseKeeper({ barn: client, key: KEY, ttlMs: TTL, session, record, holderDead: async (s) => holderDead(s) });
}

async function holder(client: BarnClient): Promise<AgentLease> {
  const r = await client.get(KEY);
  assert.ok(r.ok);
  return (r.value.value as AgentRecord).lease;
}

test('a second session waits while the lease is renewed and takes it over once renewals stop for a ttl', async (t) => {
  const { client } = await tempBarn(t, 'runi-lease-');
  const a = keeper(client, 'A');
  await a.acquire();
  assert.equal((await holder(client)).session, 'A');
  const b = keeper(client, 'B');
  let bHolds = false;
  const bAcquired = b.acquire().then(() => {
    bHolds = true;
  });
  for (let i = 0; i < 8; i++) {
    assert.equal(await a.renew(), 'renewed');
    await new Promise((r) => setTimeout(r, TTL / 4));
  }
  assert.equal(bHolds, false, 'B must not take a lease that is being renewed');
  const stoppedAt = Date.now();
  await bAcquired;
  assert.ok(Date.now() - stoppedAt >= TTL * 0.9, `B took over after ${Date.now() - stoppedAt} ms, before a ttl`);
  assert.equal((await holder(client)).session, 'B');
  assert.equal(await a.renew(), 'lost');
  assert.equal(await b.renew(), 'renewed');
});

test('a lease whose holder is known dead is taken at once, and a released one too', async (t) => {
  const { client } = await tempBarn(t, 'runi-lease-');
  await keeper(client, 'crashed').acquire();
  const started = Date.now();
  const b = keeper(client, 'B', (s) => s === 'crashed');
  await b.acquire();
  assert.ok(Date.now() - started < TTL, 'no wait for a dead holder');
  await b.release();
  assert.equal((await holder(client)).released, true);
  const c = keeper(client, 'C');
  await c.acquire();
  assert.ok(Date.now() - started < TTL * 1.5);
  assert.equal((await holder(client)).session, 'C');
});
