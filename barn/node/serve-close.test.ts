// Shutting a node down must not wait for clients: an open watch (a server-sent event stream that never ends by
// itself) is cut, and close() resolves promptly — `runi barn start` exits on SIGTERM with agents connected.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BarnClient } from '../client.ts';
import { startBarn } from './serve.ts';
import { freePort, until } from './test-support.ts';

test('a node with an open watch stream closes promptly and the watcher sees its stream end', { timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'barn-close-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const barn = await startBarn({ id: 'n1', clusterId: 'close-test', dataDir: dir, initialMembers: [{ id: 'n1', url, role: 'voter' }], clusterToken: 'tok', token: 'tok', listen: `127.0.0.1:${port}`, tickMs: 20, noSync: true });
  const client = new BarnClient({ endpoints: [url], token: 'tok' });
  t.after(() => client.close());
  await until(async () => ((await client.put('/close-test/a', 1).catch(() => undefined))?.ok ? true : undefined), 20_000);
  const seen: number[] = [];
  const watching = client.watch('/close-test/', 1, (events) => seen.push(...events.map((e) => e.revision)));
  await until(async () => (seen.length > 0 ? true : undefined), 10_000);
  const watchEnded = watching.then(() => 'ended', () => 'ended'); // handled before close() cuts the stream
  const started = Date.now();
  await barn.close();
  const tookMs = Date.now() - started;
  assert.ok(tookMs < 5_000, `close() took ${tookMs} ms`);
  const ended = await Promise.race([watchEnded, new Promise((r) => setTimeout(() => r('still open'), 10_000))]);
  assert.equal(ended, 'ended');
});
