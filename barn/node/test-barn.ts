// Test support: a real one-node Barn in the test's process, on loopback, answering writes before it is handed
// over (the node has elected itself). Used by barn/node tests and by the agent's daemon tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BarnClient } from '../client.ts';
import { startBarn, type RunningBarn } from './serve.ts';
import { freePort, until } from './test-support.ts';

/** The client and cluster token of every test Barn. */
export const TEST_BARN_TOKEN = 'barn-test-token';

export interface TestBarnOptions {
  /** Reuse a port (a restart on the same data dir). */
  readonly port?: number;
  readonly retainRevisions?: number;
  readonly clusterId?: string;
}

/** A one-node Barn on `dataDir` (not synced to disk: tests only), with a client; the caller closes both. */
export async function testBarn(dataDir: string, opts: TestBarnOptions = {}): Promise<{ barn: RunningBarn; client: BarnClient }> {
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const barn = await startBarn({
    id: 'n1',
    clusterId: opts.clusterId ?? 'barn-test',
    dataDir,
    initialMembers: [{ id: 'n1', url, role: 'voter' }],
    clusterToken: TEST_BARN_TOKEN,
    token: TEST_BARN_TOKEN,
    listen: `127.0.0.1:${port}`,
    tickMs: 20,
    noSync: true,
    ...(opts.retainRevisions === undefined ? {} : { retainRevisions: opts.retainRevisions }),
  });
  const client = new BarnClient({ endpoints: [url], token: TEST_BARN_TOKEN });
  await until(async () => ((await client.put('/test/ready', true)).ok ? true : undefined), 20_000, 'the test Barn to take writes');
  return { barn, client };
}

/** testBarn on a fresh temp dir (prefix `prefix`), closed and removed when test `t` ends. */
export async function tempBarn(t: { after(fn: () => Promise<void>): void }, prefix: string): Promise<{ barn: RunningBarn; client: BarnClient }> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const started = await testBarn(join(dir, 'barn'));
  t.after(async () => {
    await started.client.close();
    await started.barn.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return started;
}
