// Real multi-process Barn clusters on loopback under faults (DESIGN §3, "correctness is tested three ways"):
// leader failover time, linearizability and durability of acknowledged writes under a seeded schedule of
// kill -9 / restart, partition / heal and SIGSTOP / SIGCONT, and refusal of a foreign or busy data dir.
// RUNINK_FAULT_SEED=<n> replays a fault schedule; RUNINK_KEEP_CLUSTER_DIR=1 keeps data dirs and logs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkLinearizable } from '../linearizability/check.ts';
import { casRegisterModel } from '../linearizability/models.ts';
import { BarnCluster, TOKEN, spawnBarn } from './cluster-harness.ts';
import { describeStep } from './fault-schedule.ts';
import { renderCheck, renderTimeline } from './failure-report.ts';
import { runWithFaults } from './fault-run.ts';
import { lostWrites } from './final-state.ts';
import { freePorts } from '../../barn/node/test-support.ts';
import { getJson, send, sleep, waitFor } from './node-http.ts';

function scratch(t: { after(fn: () => void): void }, name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `barn-cluster-${name}-`));
  t.after(() => {
    if (process.env['RUNINK_KEEP_CLUSTER_DIR'] === '1') console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

async function putOk(url: string, key: string, value: unknown, timeoutMs = 3000): Promise<boolean> {
  const r = await send(url, 'PUT', `/v1/kv/${key}`, TOKEN, timeoutMs, { value }).catch(() => undefined);
  return r?.status === 200;
}

test('after kill -9 of the leader a survivor serves a write within 2 s, and the restarted old leader catches up', async (t) => {
  const cluster = await BarnCluster.start({ root: scratch(t, 'failover'), size: 3 });
  t.after(() => cluster.close());
  const old = await cluster.waitForLeader();
  await waitFor(async () => ((await putOk(cluster.url(old), 'fo', 'before')) ? true : undefined), 10_000, 'a first write');
  const survivors = cluster.ids.filter((id) => id !== old);
  const termOf = async (id: string): Promise<number> => (await getJson<{ term: number }>(cluster.url(id), '/v1/status', TOKEN, 2000)).term;
  const termBefore = await termOf(old);

  const killedAt = performance.now();
  await cluster.kill(old);
  // A new attempt every 50 ms, alternating survivors, without waiting for earlier ones: a write forwarded to
  // the dead leader hangs until it times out, which must not hide a new leader that is already serving.
  let firstOk: number | undefined;
  const attempts: Array<Promise<void>> = [];
  for (let i = 0; i < 160 && firstOk === undefined; i++) {
    attempts.push(putOk(cluster.url(survivors[i % 2]!), 'fo', `after-${i}`).then((ok) => {
      if (ok && firstOk === undefined) firstOk = performance.now();
    }));
    await sleep(50);
  }
  await Promise.all(attempts);
  assert.ok(firstOk !== undefined, `no survivor served a write within 8 s of the kill\n${cluster.logTails()}`);
  const failoverMs = Math.round(firstOk - killedAt);
  const elections = (await termOf(survivors[0]!)) - termBefore;
  t.diagnostic(`failover: first acknowledged write ${failoverMs} ms after kill -9 of leader ${old} (${elections} election(s))`);
  assert.ok(failoverMs < 2000, `failover took ${failoverMs} ms (limit 2000) and ${elections} election(s)\n${cluster.logTails()}`);

  await waitFor(async () => ((await putOk(cluster.url(survivors[0]!), 'fo', 'latest')) ? true : undefined), 5000, 'the latest write');
  await cluster.restart(old);
  const read = await waitFor(async () => {
    const r = await send(cluster.url(old), 'GET', '/v1/kv/fo', TOKEN, 3000);
    return r.status === 200 ? r.body : undefined;
  }, 10_000, `a linearizable read on the restarted ${old}`);
  assert.equal(read['value'], 'latest', `restarted ${old} reads the latest value`);
  const status = await getJson<{ leader: string; appliedIndex: number; commitIndex: number }>(cluster.url(old), '/v1/status', TOKEN, 2000);
  assert.notEqual(status.leader, '', `${old} follows a leader again`);
});

test('concurrent clients under kills, partitions and pauses see a linearizable history that keeps every acknowledged write', async (t) => {
  const seed = process.env['RUNINK_FAULT_SEED'] !== undefined ? Number(process.env['RUNINK_FAULT_SEED']) : Math.floor(Math.random() * 2 ** 31);
  assert.ok(Number.isSafeInteger(seed), `RUNINK_FAULT_SEED must be an integer, got ${process.env['RUNINK_FAULT_SEED']}`);
  console.log(`barn fault schedule seed: ${seed} (replay with RUNINK_FAULT_SEED=${seed})`);
  t.diagnostic(`fault seed ${seed}`);
  const cluster = await BarnCluster.start({ root: scratch(t, 'lin'), size: 3 });
  t.after(() => cluster.close());
  await cluster.waitForLeader();

  const keys = ['lin-a', 'lin-b', 'lin-c', 'lin-d'];
  const run = await runWithFaults(cluster, { seed, clients: 8, keys, durationMs: 18_000 });
  const { stats, history, timeline } = run;
  const context = (): string => `seed ${seed}\nplan:\n  ${run.plan.map(describeStep).join('\n  ')}\nfaults:\n${renderTimeline(timeline)}\n${cluster.logTails()}`;
  t.diagnostic(`ops ${stats.ops}: ok ${stats.ok}, failed ${stats.failed}, unknown ${stats.unknown}; ${JSON.stringify(stats.reasons)}`);
  t.diagnostic(`faults: ${timeline.map((e) => e.what).join(', ')}`);

  assert.deepEqual(stats.rejected, [], `the harness sent only valid requests\n${context()}`);
  const started = Date.now();
  const verdict = checkLinearizable(history, casRegisterModel, { maxSteps: 20_000_000 });
  t.diagnostic(`checked ${history.length} ops (${history.filter((op) => op.return === undefined).length} with unknown outcome) in ${Date.now() - started} ms`);
  assert.equal(verdict.ok, true, `${renderCheck(verdict, timeline)}\n${context()}`);
  assert.deepEqual(lostWrites(history, run.finals), [], `no acknowledged write is lost\n${context()}`);
  assert.deepEqual(run.divergent, [], `every replica holds the same final state\n${context()}`);
  assert.ok(timeline.some((e) => e.what.startsWith('kill')) && timeline.some((e) => e.what.startsWith('partition')) && timeline.some((e) => e.what.startsWith('SIGSTOP')), `every kind of fault ran\n${context()}`);
  const casOk = history.filter((op) => op.kind === 'cas' && op.output?.ok === true).length;
  assert.ok(stats.ok >= 60 && casOk > 0, `the cluster made progress under faults (${stats.ok} ops and ${casOk} cas acknowledged)\n${context()}`);
});

test('a data dir of another cluster is refused without touching it, and a busy data dir is refused while its owner keeps serving', async (t) => {
  const root = scratch(t, 'bad-input');
  const tokenFile = join(root, 'token');
  writeFileSync(tokenFile, `${TOKEN}\n`);
  const dataDir = join(root, 'n1');
  const [port, otherPort] = await freePorts(2);
  const own = ['--id', 'n1', '--listen', `127.0.0.1:${port}`, '--peers', `n1=http://127.0.0.1:${port}`, '--data-dir', dataDir, '--token-file', tokenFile];
  const url = `http://127.0.0.1:${port}`;
  const startOwner = async (): Promise<{ child: import('node:child_process').ChildProcess; exited: Promise<number | null> }> => {
    const p = spawnBarn(own, join(root, 'n1.log'));
    t.after(() => {
      p.child.kill('SIGKILL');
    });
    await waitFor(async () => ((await putOk(url, 'owned', 'yes', 1000)) ? true : undefined), 15_000, 'the owner to serve a write');
    return p;
  };
  const first = await startOwner();
  first.child.kill('SIGKILL');
  await first.exited;

  const fingerprint = (): string => {
    const file = join(dataDir, 'data.mdb');
    const s = statSync(file);
    // data.mdb is sparse at the map's size (MDB_WRITEMAP); this node's pages all lie in its first MiBs.
    const head = Buffer.alloc(Math.min(s.size, 64 * 1024 ** 2));
    const fd = openSync(file, 'r');
    try {
      readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
    return `${createHash('sha256').update(head).digest('hex')} ${s.size} ${s.mtimeMs} ${readdirSync(dataDir).filter((f) => f !== 'barn.lock').sort().join(',')}`;
  };
  const before = fingerprint();
  const foreignPeers = `n1=http://127.0.0.1:${port},n2=http://127.0.0.1:${otherPort}`;
  const foreign = spawnBarn([...own.slice(0, 4), '--peers', foreignPeers, ...own.slice(6)], join(root, 'foreign.log'));
  const foreignCode = await Promise.race([foreign.exited, sleep(15_000).then(() => 'still running')]);
  foreign.child.kill('SIGKILL');
  const foreignLog = readFileSync(join(root, 'foreign.log'), 'utf8');
  assert.notEqual(foreignCode, 0, `a node on another cluster's data dir exits non-zero:\n${foreignLog}`);
  assert.notEqual(foreignCode, 'still running', `a node on another cluster's data dir does not start:\n${foreignLog}`);
  const ownCluster = /\(cluster ([0-9a-f]+),/.exec(readFileSync(join(root, 'n1.log'), 'utf8'))?.[1];
  assert.ok(ownCluster !== undefined, 'the owner logged its cluster id');
  assert.match(foreignLog, new RegExp(`belongs to cluster "${ownCluster}"`), 'the message names the cluster the data dir belongs to');
  assert.equal(fingerprint(), before, 'data.mdb (contents, size, mtime) and the file list are unchanged');

  const owner = await startOwner();
  const second = spawnBarn([...own.slice(0, 2), '--listen', `127.0.0.1:${otherPort}`, ...own.slice(4)], join(root, 'second.log'));
  const secondCode = await Promise.race([second.exited, sleep(15_000).then(() => 'still running')]);
  second.child.kill('SIGKILL');
  const secondLog = readFileSync(join(root, 'second.log'), 'utf8');
  assert.ok(secondCode !== 0 && secondCode !== 'still running', `a second process on a busy data dir exits non-zero (got ${secondCode}):\n${secondLog}`);
  assert.match(secondLog, new RegExp(`is in use by process ${owner.child.pid}`), 'the message names the owning process');
  const still = await send(url, 'GET', '/v1/kv/owned', TOKEN, 3000);
  assert.equal(still.status, 200, 'the owner keeps serving linearizable reads');
  assert.equal(still.body['value'], 'yes');
});
