// Membership changes on a running cluster over real HTTP: a node added with `members add` and started with
// `join` catches up (including through a snapshot when the log was compacted) and serves linearizable reads;
// a removed node leaves the configuration.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BarnClient } from '../client.ts';
import { freePort, until } from './test-support.ts';
import { startBarn, type RunningBarn } from './serve.ts';

const TOKEN = 'members-token';

test('a node added to a one-node cluster joins and catches up through a snapshot, and removing the leader hands over leadership first', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'barn-members-'));
  const running: RunningBarn[] = [];
  t.after(async () => {
    await Promise.all(running.map((r) => r.close().catch(() => undefined)));
    rmSync(dir, { recursive: true, force: true });
  });
  const [p1, p2] = [await freePort(), await freePort()];
  const n1 = { id: 'n1', url: `http://127.0.0.1:${p1}`, role: 'voter' as const };
  const n2 = { id: 'n2', url: `http://127.0.0.1:${p2}`, role: 'voter' as const };
  const common = { clusterId: 'grow', clusterToken: TOKEN, token: TOKEN, tickMs: 20, snapshotEvery: 50, compactionMargin: 10 };
  running.push(await startBarn({ ...common, id: 'n1', dataDir: join(dir, 'n1'), initialMembers: [n1], listen: `127.0.0.1:${p1}` }));
  const c1 = new BarnClient({ endpoints: [n1.url], token: TOKEN });
  t.after(() => c1.close());
  await until(async () => ((await c1.put('warm', 0)).ok ? true : undefined));
  for (let i = 0; i < 120; i++) assert.ok((await c1.put(`k${i % 10}`, i)).ok);

  const added = await c1.addMember(n2);
  assert.ok(added.ok, JSON.stringify(added));
  assert.deepEqual(added.value.members.map((m) => [m.id, m.role]), [['n1', 'voter'], ['n2', 'voter']]);
  running.push(await startBarn({ ...common, id: 'n2', dataDir: join(dir, 'n2'), initialMembers: [n1, n2], join: true, listen: `127.0.0.1:${p2}` }));
  const c2 = new BarnClient({ endpoints: [n2.url], token: TOKEN });
  t.after(() => c2.close());
  const seen = await until(async () => {
    const r = await c2.get('k9');
    return r.ok ? r.value.value : undefined;
  });
  assert.equal(seen, 119, 'the joined node reads the latest value');
  assert.ok((await c2.put('from-n2', true)).ok, 'and takes writes (forwarded to the leader)');

  // Remove the leader (n1) from the two-voter configuration: leadership moves to n2 first, so n2 can go on.
  const removed = await c1.removeMember('n1');
  assert.ok(removed.ok, JSON.stringify(removed));
  assert.deepEqual(removed.value.members.map((m) => m.id), ['n2']);
  const after = await until(async () => {
    const r = await c2.put('after-removal', 1);
    return r.ok ? r : undefined;
  });
  assert.ok(after.ok, 'the remaining node elects itself and takes writes');
  const unknown = await c2.removeMember('n7');
  assert.ok(!unknown.ok && unknown.status === 404 && unknown.code === 'BARN_UNKNOWN_MEMBER');
});
