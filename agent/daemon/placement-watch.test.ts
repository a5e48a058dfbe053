import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningBarn } from '../../barn/node/serve.ts';
import { freePort } from '../../barn/node/test-support.ts';
import { PlacementWatch } from './placement-watch.ts';
import { testBarn, TOKEN, until } from './test-support.ts';

const PREFIX = '/runink/placements/a1/';

function follower(endpoints: string[], retryMs = 50): { watch: PlacementWatch; keys: () => string[]; revisions: number[] } {
  let keys: string[] = [];
  const revisions: number[] = [];
  const watch = new PlacementWatch({
    endpoints,
    token: TOKEN,
    prefix: PREFIX,
    retryMs,
    onChange: (records, revision) => {
      keys = [...records.keys()].sort();
      revisions.push(revision);
    },
  });
  return { watch, keys: () => keys, revisions };
}

/** Stops a Barn node the way a crash looks to its clients: open watch streams are cut, not drained. */
async function dropAndClose(barn: RunningBarn): Promise<void> {
  barn.app.server.closeAllConnections();
  await barn.close();
}

const has = (f: { keys: () => string[] }, want: string[]) => async (): Promise<true | undefined> => (JSON.stringify(f.keys()) === JSON.stringify(want) ? true : undefined);

test('a watch lists, follows puts and deletes, and resumes after its Barn node restarts', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runi-watch-'));
  const port = await freePort();
  let { barn, client } = await testBarn(join(dir, 'barn'), { port });
  const dead = `http://127.0.0.1:${await freePort()}`;
  const f = follower([dead, barn.url]);
  t.after(async () => {
    await f.watch.stop();
    await client.close();
    await dropAndClose(barn);
    rmSync(dir, { recursive: true, force: true });
  });
  await client.put(`${PREFIX}p/one`, 1);
  await client.put('/runink/placements/a10/p/x', 1);
  f.watch.start();
  await until(has(f, [`${PREFIX}p/one`]), 10_000);
  await client.put(`${PREFIX}p/two`, 2);
  await until(has(f, [`${PREFIX}p/one`, `${PREFIX}p/two`]), 10_000);

  await client.close();
  await dropAndClose(barn);
  ({ barn, client } = await testBarn(join(dir, 'barn'), { port }));
  await client.delete(`${PREFIX}p/one`);
  await client.put(`${PREFIX}p/three`, 3);
  await until(has(f, [`${PREFIX}p/three`, `${PREFIX}p/two`]), 15_000);
  assert.deepEqual(f.revisions, [...f.revisions].sort((a, b) => a - b), 'revisions never go back');
  assert.equal(f.watch.lists, 1, 'resumed from its revision, not listed again');
});

test('a watch whose resume revision was compacted lists afresh', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runi-watch-'));
  const port = await freePort();
  let { barn, client } = await testBarn(join(dir, 'barn'), { port });
  // A long retry delay keeps the watch away while the history it would resume from is compacted.
  const f = follower([barn.url], 4000);
  t.after(async () => {
    await f.watch.stop();
    await client.close();
    await dropAndClose(barn);
    rmSync(dir, { recursive: true, force: true });
  });
  await client.put(`${PREFIX}p/one`, 1);
  f.watch.start();
  await until(has(f, [`${PREFIX}p/one`]), 10_000);
  await client.close();
  await dropAndClose(barn);
  ({ barn, client } = await testBarn(join(dir, 'barn'), { port }));
  await client.delete(`${PREFIX}p/one`);
  const last = await client.put(`${PREFIX}p/two`, 2);
  assert.ok(last.ok);
  await client.put('/elsewhere', 0);
  const compacted = await barn.node.write({ type: 'compact', revision: last.value.revision + 1 });
  assert.ok(compacted.ok);
  await until(has(f, [`${PREFIX}p/two`]), 20_000);
  assert.equal(f.watch.lists, 2, 'one list at start, one after the compacted resume');
});
