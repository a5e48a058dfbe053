// BarnClient when an answer is lost: the request reached a node and was applied, but the connection died before
// the answer came back (the node was killed right after committing, say). The outcome is then unknown to the
// client, so retrying a compare-and-swap on the next endpoint must not turn its success into a reported
// failure.
//
// (Found by this test: BarnClient used to retry every network error on the next endpoint, so the retried cas
// found its own write and answered 409 BARN_COMPARE_FAILED. It now throws BARN_UNKNOWN_OUTCOME instead.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BarnClient } from '../../barn/client.ts';
import { startBarn } from '../../barn/node/serve.ts';
import { freePort } from '../../barn/node/test-support.ts';
import { waitFor } from './node-http.ts';

/** A proxy to `port` that forwards requests but resets the client's connection as soon as an answer arrives. */
async function answerLosingProxy(port: number): Promise<{ server: Server; url: string }> {
  const server = createServer((client) => {
    client.on('error', () => undefined);
    const upstream = createConnection({ host: '127.0.0.1', port });
    upstream.on('error', () => undefined);
    client.on('data', (d: Buffer) => upstream.write(d));
    upstream.on('data', () => {
      client.resetAndDestroy();
      upstream.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

test('a cas whose answer is lost is never reported as a failed compare when it was applied', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'barn-cluster-lost-answer-'));
  const port = await freePort();
  const barn = await startBarn({ id: 'n1', clusterId: 'lost-answer', dataDir: join(dir, 'n1'), initialMembers: [{ id: 'n1', url: `http://127.0.0.1:${port}`, role: 'voter' }], clusterToken: 't', token: 't', listen: `127.0.0.1:${port}` });
  const proxy = await answerLosingProxy(port);
  const direct = new BarnClient({ endpoints: [barn.url], token: 't' });
  const client = new BarnClient({ endpoints: [proxy.url, barn.url], token: 't' });
  t.after(async () => {
    await client.close();
    await direct.close();
    proxy.server.close();
    await barn.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const first = await waitFor(async () => {
    const r = await direct.put('k', 'v1');
    return r.ok ? r.value : undefined;
  }, 5000, 'a leader');

  const cas = await client.put('k', 'v2', first.modRevision).catch((e: Error) => e);
  const now = await direct.get('k');
  assert.ok(now.ok && now.value.value === 'v2', 'the cas was applied');
  assert.ok(!(cas instanceof Error) ? cas.ok : true, `the caller is told the cas succeeded or that its outcome is unknown, not ${JSON.stringify(cas)}`);
  if (cas instanceof Error) assert.equal((cas as Error & { code?: string }).code, 'BARN_UNKNOWN_OUTCOME');
});
