// Barn nodes in one process over real HTTP on loopback and real LMDB: a single node serves and survives a
// restart; three nodes elect a leader, accept writes through any node and read them back linearizably.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BarnClient } from '../client.ts';
import { freePort, until } from './test-support.ts';
import { startBarn, type RunningBarn } from './serve.ts';

const TOKEN = 't0ken';

async function cluster(n: number, dir: string): Promise<{ nodes: RunningBarn[]; members: { id: string; url: string; role: 'voter' }[] }> {
  const ports = await Promise.all(Array.from({ length: n }, freePort));
  const members = ports.map((p, i) => ({ id: `n${i + 1}`, url: `http://127.0.0.1:${p}`, role: 'voter' as const }));
  const nodes = await Promise.all(
    members.map((m, i) =>
      startBarn({ id: m.id, clusterId: 'test', dataDir: join(dir, m.id), initialMembers: members, clusterToken: TOKEN, token: TOKEN, listen: `127.0.0.1:${ports[i]}`, tickMs: 20 }),
    ),
  );
  return { nodes, members };
}

test('a single node elects itself, serves writes and keeps them across a restart', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'barn-one-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const port = await freePort();
  const members = [{ id: 'n1', url: `http://127.0.0.1:${port}`, role: 'voter' as const }];
  const opts = { id: 'n1', clusterId: 'solo', dataDir: join(dir, 'n1'), initialMembers: members, clusterToken: TOKEN, token: TOKEN, listen: `127.0.0.1:${port}`, tickMs: 20 };
  let barn = await startBarn(opts);
  const client = new BarnClient({ endpoints: [barn.url], token: TOKEN });
  t.after(() => client.close());
  const put = await until(async () => {
    const r = await client.put('/runink/applied-commit', 'abc123');
    return r.ok ? r : undefined;
  });
  assert.equal(put.value.modRevision, 1);
  const second = await client.put('/runink/applied-commit', 'def456', put.value.modRevision);
  assert.ok(second.ok);
  await barn.close();
  barn = await startBarn(opts);
  t.after(() => barn.close());
  const got = await until(async () => {
    const r = await client.get('/runink/applied-commit');
    return r.ok ? r : undefined;
  });
  assert.equal(got.value.value, 'def456');
  assert.equal(got.value.version, 2);
  const status = await client.status();
  assert.ok(status.ok && status.value.role === 'leader');
});

test('three nodes elect one leader and a write through a follower is read back from every node', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'barn-three-'));
  const { nodes } = await cluster(3, dir);
  t.after(async () => {
    await Promise.all(nodes.map((n) => n.close()));
    rmSync(dir, { recursive: true, force: true });
  });
  const leaderId = await until(async () => {
    const leaders = nodes.map((n) => n.node.status()).filter((s) => s.role === 'leader');
    return leaders.length === 1 ? leaders[0]!.id : undefined;
  });
  const follower = nodes.find((n) => n.node.id !== leaderId)!;
  const client = new BarnClient({ endpoints: [follower.url], token: TOKEN });
  t.after(() => client.close());
  const put = await until(async () => {
    const r = await client.put('k', { n: 1 });
    return r.ok ? r : undefined;
  });
  assert.equal(put.value.key, 'k');
  for (const n of nodes) {
    const c = new BarnClient({ endpoints: [n.url], token: TOKEN });
    const got = await c.get('k');
    await c.close();
    assert.ok(got.ok, `node ${n.node.id} reads the write linearizably`);
    assert.deepEqual(got.value.value, { n: 1 });
  }
  const stale = await client.put('k', { n: 2 }, 999);
  assert.ok(!stale.ok && stale.status === 409);
  const hijack = await client.put('/barn/members/n9', { url: 'http://127.0.0.1:1' });
  assert.ok(!hijack.ok && hijack.status === 403 && hijack.code === 'BARN_RESERVED_KEY', 'the member book is not writable by clients');
  const members = await client.members();
  assert.ok(members.ok);
  assert.deepEqual(members.value.members.map((m) => m.id), ['n1', 'n2', 'n3']);
});
