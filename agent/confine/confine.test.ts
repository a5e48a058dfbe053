// Confinement for real (as root, which CI is): OOM, fork bomb, writes outside the sinks, another herd's data
// root, 127.0.0.1, the environment, cleanup after normal and failed runs and after kill -9 of the launcher,
// stop, and the warm pool. The user steps live in testdata/repo/steps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, closeSync, constants, cpSync, existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from '../../barn/node/test-support.ts';
import type { DesiredState } from '../../contracts/desired-state.ts';
import { compileRepo } from '../../reconciler/desired/compile-state.ts';
import { worktreeReader } from '../../reconciler/source/worktree-reader.ts';
import { listCgroups } from './cgroup.ts';
import { probeHost } from './host.ts';
import { launchSlice, prewarmRuntimeCache, sweepSlices } from './launch.ts';
import { prepareRuntime, removeScratch, scratchRoot, SINK_PATH_UNSAFE, SinkPathError } from './prepare.ts';
import type { ConfinePlan } from './plan.ts';
import type { SliceLaunch, SliceOutcome } from './types.ts';
import { createWarmPool } from './warm-pool.ts';

const host = probeHost();
/** Why real confinement cannot be tested here, false when it can. */
const unavailable = !host.root ? 'needs root (cgroups, uid switch)' : host.cgroup === undefined ? 'no writable cgroup here' : host.bwrap === undefined ? 'bwrap is not installed' : false;
/** CI (root) sets RUNINK_REQUIRE_CONFINEMENT=1: then these tests fail with the reason instead of being skipped. */
const required = process.env['RUNINK_REQUIRE_CONFINEMENT'] === '1';
const skip = required ? false : unavailable;

/** Throws the reason when confinement is unavailable (only reached when it is required: otherwise skipped). */
function requireConfinement(): void {
  if (unavailable !== false) throw new Error(`RUNINK_REQUIRE_CONFINEMENT=1 but confinement cannot be tested here: ${unavailable}`);
}

interface Fixture {
  readonly root: string;
  readonly repo: string;
  readonly state: DesiredState;
}

async function fixture(t: { after(fn: () => void): void }): Promise<Fixture> {
  requireConfinement();
  const root = mkdtempSync(join(tmpdir(), 'runink-confine-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  chmodSync(root, 0o755);
  const repo = join(root, 'repo');
  cpSync(join(import.meta.dirname, 'testdata/repo'), repo, { recursive: true });
  for (const herd of ['alpha', 'beta', 'netted']) mkdirSync(join(repo, 'data', herd, 'in'), { recursive: true });
  writeFileSync(join(repo, 'data/beta/secret.ndjson'), '{"secret":true}\n');
  await prewarmRuntimeCache();
  return { root, repo, state: await compileRepo(worktreeReader(repo)) };
}

function request(f: Fixture, scenario: string, probe: Record<string, unknown>, extra: Partial<SliceLaunch> = {}): SliceLaunch {
  const spec = Object.values(f.state.pipelines).flatMap((p) => p.scenarios).find((s) => s.id === scenario);
  assert.ok(spec, scenario);
  const dataRoot = join(f.repo, 'data', spec.herd);
  writeFileSync(join(dataRoot, 'in/probe.ndjson'), JSON.stringify(probe) + '\n');
  return { runId: `t-${process.pid}-${Math.random().toString(36).slice(2, 10)}`, repoRoot: f.repo, commit: 'fixture', spec, contracts: f.state.contracts, herd: f.state.herds[spec.herd]!, dataRoot, stdio: 'ignore', onWarning: () => undefined, ...extra };
}

function output(f: Fixture, herd: string, name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(f.repo, 'data', herd, 'out', `${name}.ndjson`), 'utf8').trim()) as Record<string, unknown>;
}

function assertCleanedUp(runId: string): void {
  assert.ok(!listCgroups(host.cgroup!).includes(runId), `cgroup runink/${runId} still exists`);
  assert.ok(!existsSync(join(scratchRoot(), runId)), `scratch dir of ${runId} still exists`);
}

/** Whether a process has ended (a zombie no reaper collected counts as ended). */
function gone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

type Attempt = { target: string; ok: boolean; code?: string };

test('a step that allocates past its memory limit is OOM-killed and the run is reported FAIL with reason OOM', { skip, timeout: 60_000 }, async (t) => {
  const f = await fixture(t);
  const req = request(f, 'escapes/hog-memory', {});
  const o = await launchSlice(req).result;
  assert.equal(o.status, 'FAIL');
  assert.equal(o.reason, 'OOM', o.message);
  assert.ok((o.confinement.counters?.oomKills ?? 0) >= 1);
  assert.equal(o.confinement.cgroup?.memoryMax, 160 * 1024 * 1024);
  assert.deepEqual(o.events.map((e) => e.eventType), ['START', 'FAIL']);
  assertCleanedUp(req.runId);
});

test('a fork bomb is capped by the pids limit of the herd and the slice still completes', { skip, timeout: 60_000 }, async (t) => {
  const f = await fixture(t);
  const req = request(f, 'escapes/fork-bomb', {});
  const o = await launchSlice(req).result;
  assert.equal(o.status, 'COMPLETE', o.message);
  assert.equal(o.confinement.cgroup?.pidsMax, 48);
  assert.ok((o.confinement.counters?.pidsMaxHits ?? 0) > 0, 'the kernel refused forks at pids.max');
  assert.equal(output(f, 'alpha', 'forkbomb')['signal'], 'SIGKILL', 'the bomb ran until its time bound');
  assertCleanedUp(req.runId);
});

test('writing outside the sink folders fails, while the sink folder and the private /tmp are writable', { skip, timeout: 60_000 }, async (t) => {
  const f = await fixture(t);
  const data = join(f.repo, 'data/alpha');
  const targets = [join(data, 'not-a-sink.txt'), join(data, 'in/x.txt'), join(f.repo, 'steps/x.ts'), '/etc/x', '/usr/x', join(data, 'out/fine.txt'), '/tmp/fine.txt'];
  const req = request(f, 'escapes/probe', { write: targets });
  const o = await launchSlice(req).result;
  assert.equal(o.status, 'COMPLETE', o.message);
  const writes = output(f, 'alpha', 'probe')['writes'] as Attempt[];
  assert.deepEqual(writes.map((w) => w.ok), [false, false, false, false, false, true, true], JSON.stringify(writes));
  for (const w of writes.slice(0, 5)) assert.ok(['EROFS', 'EACCES'].includes(w.code ?? ''), JSON.stringify(w));
  assert.ok(!existsSync(join(data, 'not-a-sink.txt')));
  assert.equal(output(f, 'alpha', 'probe')['uid'], 65534);
  assertCleanedUp(req.runId);
});

test("another herd's data root is not visible inside the slice, its own is readable", { skip, timeout: 60_000 }, async (t) => {
  const f = await fixture(t);
  const secret = join(f.repo, 'data/beta/secret.ndjson');
  assert.ok(existsSync(secret));
  const o = await launchSlice(request(f, 'escapes/probe', { read: [secret, join(f.repo, 'data/alpha/in/probe.ndjson'), join(f.repo, 'pipelines/escapes.dsl')] })).result;
  assert.equal(o.status, 'COMPLETE', o.message);
  const reads = output(f, 'alpha', 'probe')['reads'] as Attempt[];
  assert.deepEqual(reads.map((r) => [r.ok, r.code]), [[false, 'ENOENT'], [true, undefined], [true, undefined]]);
});

test('a socket to 127.0.0.1 fails inside the slice although the host listens, and works in a herd with network', { skip, timeout: 60_000 }, async (t) => {
  const f = await fixture(t);
  const server = createServer((s) => s.end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const port = (server.address() as { port: number }).port;
  const fromHost = await new Promise<boolean>((resolve) => {
    const s = spawn(process.execPath, ['-e', `require('net').connect(${port}, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(1))`]);
    s.on('exit', (code) => resolve(code === 0));
  });
  assert.ok(fromHost, 'the listener is reachable from the host');
  const confined = await launchSlice(request(f, 'escapes/probe', { dial: port })).result;
  assert.equal(confined.status, 'COMPLETE', confined.message);
  assert.ok(confined.confinement.namespaces.includes('net'));
  const dialed = (output(f, 'alpha', 'probe')['dialed'] as Attempt[])[0]!;
  assert.equal(dialed.ok, false);
  assert.ok(['ECONNREFUSED', 'ENETUNREACH', 'TIMEOUT'].includes(dialed.code ?? ''), JSON.stringify(dialed));
  const netted = await launchSlice(request(f, 'networked/probe-with-network', { dial: port })).result;
  assert.equal(netted.status, 'COMPLETE', netted.message);
  assert.ok(!netted.confinement.namespaces.includes('net'));
  assert.equal((output(f, 'netted', 'probe')['dialed'] as Attempt[])[0]!.ok, true);
});

test('the slice environment holds only the allowlist and the variables passed explicitly', { skip, timeout: 60_000 }, async (t) => {
  const f = await fixture(t);
  process.env['RUNINK_TEST_SECRET'] = 'must-not-leak';
  t.after(() => delete process.env['RUNINK_TEST_SECRET']);
  const o = await launchSlice(request(f, 'escapes/probe', { env: true }, { env: { PASSED: 'yes' } })).result;
  assert.equal(o.status, 'COMPLETE', o.message);
  const env = output(f, 'alpha', 'probe')['env'] as Record<string, string>;
  assert.deepEqual(Object.keys(env).sort(), ['HOME', 'LANG', 'NODE_OPTIONS', 'PASSED', 'PATH', 'PWD', 'TMPDIR', 'TZ']);
  assert.equal(env['PASSED'], 'yes');
  assert.equal(env['HOME'], '/tmp');
});

test('stop() aborts a running slice and its cgroup and scratch dir are removed', { skip, timeout: 60_000 }, async (t) => {
  const f = await fixture(t);
  const req = request(f, 'escapes/sleeper', {}, { progressIntervalMs: 0 });
  const h = launchSlice(req);
  await until(async () => (listCgroups(host.cgroup!).includes(req.runId) ? true : undefined), 20_000);
  await new Promise((r) => setTimeout(r, 1000));
  await h.stop(2000);
  const o: SliceOutcome = await h.result;
  assert.equal(o.status, 'ABORT');
  assert.equal(o.reason, 'STOPPED');
  assert.deepEqual(o.events.map((e) => e.eventType), ['START', 'ABORT']);
  assertCleanedUp(req.runId);
});

test('a @stream slice emits RUNNING lineage events until it is stopped, then ABORT', { skip, timeout: 60_000 }, async (t) => {
  const f = await fixture(t);
  const req = request(f, 'escapes/stream-sleeper', {}, { runningIntervalMs: 200 });
  const seen: string[] = [];
  const h = launchSlice({ ...req, onEvent: (ev) => void seen.push(ev.eventType) });
  await until(async () => (seen.filter((e) => e === 'RUNNING').length >= 2 ? true : undefined), 30_000);
  await h.stop(2000);
  const o = await h.result;
  assert.equal(o.status, 'ABORT');
  const types = o.events.map((e) => e.eventType);
  assert.equal(types[0], 'START');
  assert.equal(types.at(-1), 'ABORT');
  assert.ok(types.slice(1, -1).every((e) => e === 'RUNNING') && types.length >= 4, types.join(','));
  assert.deepEqual(seen, types);
  assertCleanedUp(req.runId);
});

test('after kill -9 of the launcher the slice dies and the sweep removes its cgroup and scratch dir', { skip, timeout: 60_000 }, async (t) => {
  const f = await fixture(t);
  const runId = `t-${process.pid}-killed`;
  const dataRoot = join(f.repo, 'data/alpha');
  writeFileSync(join(dataRoot, 'in/probe.ndjson'), '{}\n');
  const launcher = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(import.meta.dirname, 'testdata/launch-and-wait.ts'), f.repo, dataRoot, runId], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => launcher.kill('SIGKILL'));
  const line = await new Promise<string>((resolve, reject) => {
    launcher.stdout.once('data', (d: Buffer) => resolve(String(d)));
    launcher.once('exit', () => reject(new Error('launcher exited early')));
  });
  const { pid } = JSON.parse(line) as { pid: number };
  assert.ok(listCgroups(host.cgroup!).includes(runId));
  assert.ok(existsSync(join(scratchRoot(), runId)));
  launcher.kill('SIGKILL');
  await new Promise((r) => launcher.once('exit', r));
  await until(async () => (gone(pid) ? true : undefined), 10_000);
  const { removed } = await sweepSlices();
  assert.ok(removed.includes(`cgroup runink/${runId}`), JSON.stringify(removed));
  assertCleanedUp(runId);
});

test('a warm runtime of the pool runs the slice with the same confinement', { skip, timeout: 60_000 }, async (t) => {
  const f = await fixture(t);
  const pool = createWarmPool({ size: 1 });
  t.after(() => pool.close());
  const req = request(f, 'escapes/probe', { write: [join(f.repo, 'data/alpha/not-a-sink.txt')] });
  assert.equal(await pool.whenReady(req), true);
  const o = await pool.launch(req).result;
  assert.equal(o.status, 'COMPLETE', o.message);
  assert.equal(o.confinement.warm, true);
  assert.equal(o.confinement.cgroup?.memoryMax, req.spec.requires.memory);
  assert.equal((output(f, 'alpha', 'probe')['writes'] as Attempt[])[0]!.code, 'EROFS');
  await pool.close();
  assert.equal(pool.idle, 0);
});

test('a confined @stream slice reads records written to a FIFO handed to it as stdin, until it is stopped', { skip, timeout: 60_000 }, async (t) => {
  const f = await fixture(t);
  const req = request(f, 'relay/relay-stdin', {});
  const fifo = join(f.root, 'events.fifo');
  execFileSync('mkfifo', ['-m', '0600', fifo]);
  // read-write: the slice holds a writer itself, so its input never ends while nobody writes
  const fd = openSync(fifo, constants.O_RDWR);
  const h = launchSlice({ ...req, stdin: fd });
  closeSync(fd);
  const writer = openSync(fifo, constants.O_WRONLY);
  writeSync(writer, '{"a":1}\n{"a":2}\n');
  const out = join(f.repo, 'data/alpha/out/stdin-relay.ndjson');
  const read = (): string[] => (existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter((l) => l !== '') : []);
  await until(async () => (read().length === 2 ? true : undefined), 30_000);
  writeSync(writer, '{"a":3}\n');
  closeSync(writer);
  await until(async () => (read().length === 3 ? true : undefined), 30_000);
  assert.deepEqual(read().map((l) => JSON.parse(l) as unknown), [{ b: 1 }, { b: 2 }, { b: 3 }]);
  await h.stop(2000);
  const o = await h.result;
  assert.equal(o.status, 'ABORT', o.message);
  assert.equal(o.confinement.mode, 'bwrap');
  assert.deepEqual(o.result?.stats.recordsIn, { events: 3 });
  assertCleanedUp(req.runId);
});

test('the warm pool starts a launch that brings its own stdin cold', { skip, timeout: 60_000 }, async (t) => {
  const f = await fixture(t);
  const pool = createWarmPool({ size: 1 });
  t.after(() => pool.close());
  const req = request(f, 'relay/relay-stdin', {});
  const fd = openSync('/dev/null', 'r');
  t.after(() => closeSync(fd));
  assert.equal(await pool.whenReady({ ...req, stdin: fd }), false);
  assert.equal(pool.idle, 0);
  const h = pool.launch({ ...req, stdin: fd });
  await until(async () => (listCgroups(host.cgroup!).includes(req.runId) ? true : undefined), 20_000);
  await h.stop(2000);
  const o = await h.result;
  assert.equal(o.confinement.warm, false);
  assert.equal(o.status, 'ABORT', o.message);
});


test('symlinks a slice plants in its sink folder are refused at its next start: nothing outside the data root is chowned or created', { skip, timeout: 90_000 }, async (t) => {
  const f = await fixture(t);
  const data = join(f.repo, 'data/alpha');
  const out = join(data, 'out');
  // the first run creates the sink folder and hands it to the slice uid: from then on the slice can write there
  const first = await launchSlice(request(f, 'escapes/probe', {})).result;
  assert.equal(first.status, 'COMPLETE', first.message);
  assert.equal(lstatSync(out).uid, 65534);
  // what a slice could leave behind for its next start (all targets outside the data root, owned by root)
  const outside = join(f.root, 'outside');
  mkdirSync(outside);
  const victim = join(outside, 'shadow');
  writeFileSync(victim, 'secret\n', { mode: 0o600 });
  const linkedVictim = join(outside, 'linked');
  writeFileSync(linkedVictim, 'secret\n', { mode: 0o600 });
  const owners = (): number[][] => [victim, linkedVictim, outside, data].map((p) => [lstatSync(p).uid, lstatSync(p).gid]);
  const before = { owners: owners(), dataMode: statSync(data).mode, outside: readdirSync(outside).sort() };
  const withSink = (req: SliceLaunch, uri: string): SliceLaunch => ({ ...req, spec: { ...req.spec, sinks: req.spec.sinks.map((s) => ({ ...s, uri })) } });
  const refused = async (what: string, plant: () => void, req: SliceLaunch, offending: string): Promise<void> => {
    plant();
    const o = await launchSlice(req).result;
    assert.equal(o.status, 'FAIL', `${what}: ${o.message}`);
    // nothing ran: the request's sink path is unsafe
    assert.equal(o.reason, 'BAD_REQUEST', `${what}: ${o.reason}`);
    assert.ok(o.message?.includes(`${SINK_PATH_UNSAFE}: sink ${req.spec.sinks[0]!.uri}: \`${offending}\``), `${what}: ${o.message}`);
    assert.deepEqual(o.events.map((e) => e.eventType), ['START', 'FAIL'], what);
    assert.equal(o.result, undefined, what);
    assertCleanedUp(req.runId);
    assert.deepEqual(owners(), before.owners, `${what}: an owner changed outside the sink folder`);
    assert.equal(statSync(data).mode, before.dataMode, what);
    assert.deepEqual(readdirSync(outside).sort(), before.outside, `${what}: something was created outside the data root`);
  };
  // (a) the sink file → a root-owned file: a batch and a @stream sink (the stream's file used to be chowned)
  await refused('sink file symlink (batch)', () => (rmSync(join(out, 'probe.ndjson'), { force: true }), symlinkSync(victim, join(out, 'probe.ndjson'))), request(f, 'escapes/probe', {}), 'out/probe.ndjson');
  await refused('sink file symlink (stream)', () => symlinkSync(victim, join(out, 'stream.ndjson')), request(f, 'escapes/stream-sleeper', {}), 'out/stream.ndjson');
  unlinkSync(join(out, 'stream.ndjson'));
  // a hard link (possible where fs.protected_hardlinks is off) is not chowned either
  await refused('sink file hard link (stream)', () => linkSync(linkedVictim, join(out, 'stream.ndjson')), request(f, 'escapes/stream-sleeper', {}), 'out/stream.ndjson');
  unlinkSync(join(out, 'stream.ndjson'));
  // (b) a folder on the way → `..`: its real path is the data root, which must neither be chowned nor bound writable
  await refused('folder symlink to the data root', () => symlinkSync('..', join(out, 'up')), withSink(request(f, 'escapes/probe', {}), 'file://out/up/z.ndjson'), 'out/up');
  // (c) a folder on the way → a directory outside: nothing may be created there
  await refused('folder symlink outside', () => symlinkSync(outside, join(out, 'sub')), withSink(request(f, 'escapes/probe', {}), 'file://out/sub/deeper/z.ndjson'), 'out/sub');
  // a file where a folder is expected
  await refused('file on the way', () => writeFileSync(join(out, 'plain'), 'x'), withSink(request(f, 'escapes/probe', {}), 'file://out/plain/z.ndjson'), 'out/plain');
  assert.ok(!existsSync(join(outside, 'deeper')));
  assert.equal(readFileSync(victim, 'utf8'), 'secret\n');
  // once the planted entries are gone the scenario runs again
  for (const name of ['probe.ndjson', 'up', 'sub', 'plain']) unlinkSync(join(out, name));
  const again = await launchSlice(request(f, 'escapes/probe', {})).result;
  assert.equal(again.status, 'COMPLETE', again.message);
});

test('prepareRuntime creates sink folders one component at a time and refuses a symlink on the way before creating anything (no sandbox needed)', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'runink-prepare-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const data = join(root, 'data');
  const outside = join(root, 'outside');
  mkdirSync(join(data, 'out'), { recursive: true });
  mkdirSync(outside);
  symlinkSync(outside, join(data, 'out/sub'));
  // as root the folders go to the slice uid (as in a real launch); otherwise nothing is chowned
  const plan: ConfinePlan = { isolation: 'off', mode: 'none', namespaces: [], cgroup: false, network: true, missing: [], ...(host.root ? { uid: 65534, gid: 65534 } : {}) };
  const prepare = (uris: string[], stream = false) => {
    const spec = { ...({} as SliceLaunch['spec']), sinks: uris.map((uri) => ({ id: uri, uri })), trigger: { kind: stream ? 'stream' : 'batch' } } as unknown as SliceLaunch['spec'];
    const p = prepareRuntime(`t-${process.pid}-${Math.random().toString(36).slice(2, 10)}`, plan, { spec, repoRoot: root, dataRoot: data, env: {} });
    removeScratch(p.scratchDir);
    return p.layout.sinkDirs;
  };
  const scratchBefore = existsSync(scratchRoot()) ? readdirSync(scratchRoot()).sort() : [];
  // a sound sink first in the list: refused as a whole, nothing of it is created either
  assert.throws(
    () => prepare(['file://fresh/a.ndjson', 'file://out/sub/deeper/z.ndjson']),
    (e: unknown) => e instanceof SinkPathError && e.code === SINK_PATH_UNSAFE && e.path === 'out/sub' && e.message.startsWith(`${SINK_PATH_UNSAFE}: sink file://out/sub/deeper/z.ndjson: \`out/sub\` in the data root is a symlink`),
  );
  assert.ok(!existsSync(join(outside, 'deeper')), 'nothing created outside the data root');
  assert.ok(!existsSync(join(data, 'fresh')), 'nothing created before every sink was checked');
  assert.deepEqual(existsSync(scratchRoot()) ? readdirSync(scratchRoot()).sort() : [], scratchBefore, 'no scratch dir left behind');
  // a sound nested sink: folders created, only the sink folder handed to the slice uid
  assert.deepEqual(prepare(['file://out/a/b/z.ndjson', 'file://out/a/b/y.ndjson', 'file://top.ndjson', 'file://../up.ndjson']), [data, join(data, 'out/a/b')]);
  if (host.root) {
    assert.equal(lstatSync(join(data, 'out/a/b')).uid, 65534);
    assert.equal(lstatSync(join(data, 'out/a')).uid, 0);
  }
  // an existing @stream sink file is handed over too, unless it is a symlink, not a regular file or hard linked
  writeFileSync(join(data, 'out/a/b/s.ndjson'), '');
  prepare(['file://out/a/b/s.ndjson'], true);
  if (host.root) assert.equal(lstatSync(join(data, 'out/a/b/s.ndjson')).uid, 65534);
  const victim = join(outside, 'victim');
  writeFileSync(victim, 'x');
  symlinkSync(victim, join(data, 'out/a/b/l.ndjson'));
  linkSync(victim, join(data, 'out/a/b/h.ndjson'));
  mkdirSync(join(data, 'out/a/b/d.ndjson'));
  for (const [name, why] of [['l', 'is a symlink'], ['h', 'has 2 hard links'], ['d', 'is not a regular file']] as const) {
    assert.throws(() => prepare([`file://out/a/b/${name}.ndjson`], true), (e: unknown) => e instanceof SinkPathError && e.message.includes(`\`out/a/b/${name}.ndjson\` in the data root ${why}`));
  }
  assert.throws(() => prepare(['file://out/a/b/l.ndjson']), SinkPathError, 'a symlinked sink file is refused for a batch sink too');
  assert.equal(lstatSync(victim).uid, process.getuid?.() ?? 0);
});
