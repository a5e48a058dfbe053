import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HostCaps } from './host.ts';
import { firstNonJson } from './plain-json.ts';
import { defaultIsolation, planConfinement } from './plan.ts';
import { classify } from './classify.ts';
import { memoryLimitValue } from './cgroup.ts';
import { maskDirFor, sandboxCommand, type SandboxLayout } from './sandbox-argv.ts';

const full: HostCaps = { linux: true, root: true, uid: 0, bwrap: '/usr/bin/bwrap', unshare: '/usr/bin/unshare', setpriv: '/usr/bin/setpriv', cgroup: { version: 'v1', dirs: { memory: '/m/runink', cpu: '/c/runink', pids: '/p/runink' } } };

test('isolation required with everything available plans bwrap, five namespaces, uid 65534 and a cgroup', () => {
  const r = planConfinement(full, 'required', false);
  assert.ok(r.ok);
  assert.deepEqual(r.plan.namespaces, ['pid', 'mount', 'ipc', 'uts', 'net']);
  assert.equal(r.plan.mode, 'bwrap');
  assert.equal(r.plan.uid, 65534);
  assert.equal(r.plan.cgroup, true);
  assert.deepEqual(r.plan.missing, []);
});

test('a herd with network keeps the host network namespace', () => {
  const r = planConfinement(full, 'required', true);
  assert.ok(r.ok);
  assert.ok(!r.plan.namespaces.includes('net'));
});

test('isolation required without bwrap or a cgroup is refused with what is missing', () => {
  const { bwrap: _b, cgroup: _c, ...rest } = full;
  const r = planConfinement(rest, 'required', false);
  assert.equal(r.ok, false);
  assert.ok(!r.ok && r.missing.some((m) => m.startsWith('cgroup')) && r.missing.some((m) => m.startsWith('read-only view')));
});

test('best-effort as a non-root user runs with what is possible and names the rest', () => {
  const user: HostCaps = { linux: true, root: false, uid: 1000, bwrap: '/usr/bin/bwrap' };
  assert.equal(defaultIsolation(user), 'best-effort');
  const r = planConfinement(user, 'best-effort', false);
  assert.ok(r.ok);
  assert.equal(r.plan.mode, 'bwrap');
  assert.equal(r.plan.uid, undefined);
  assert.equal(r.plan.cgroup, false);
  assert.ok(r.plan.missing.some((m) => m.startsWith('uid')) && r.plan.missing.some((m) => m.startsWith('cgroup')));
});

test('isolation off is a plain child process', () => {
  const r = planConfinement(full, 'off', false);
  assert.ok(r.ok);
  assert.equal(r.plan.mode, 'none');
  assert.equal(r.plan.cgroup, false);
});

test('only plain JSON may cross the pipe: the first offending value is named', () => {
  assert.equal(firstNonJson({ a: [1, 'x', null, { b: true }], c: undefined }), undefined);
  assert.equal(firstNonJson({ a: [1, new Date(0)] }), '$.a[1]');
  assert.equal(firstNonJson({ f: () => 1 }), '$.f');
  assert.equal(firstNonJson({ n: Number.NaN }), '$.n');
  assert.equal(firstNonJson(new Map()), '$');
});

test('an OOM kill without a result is FAIL OOM; a reported result wins over the exit', () => {
  const exit = { code: 137, signal: null };
  assert.equal(classify({ exit, counters: { oomKills: 1, pidsMaxHits: 0, memoryFailcnt: 3 }, mode: 'bwrap' }).reason, 'OOM');
  assert.equal(classify({ exit, counters: { oomKills: 0, pidsMaxHits: 0, memoryFailcnt: 0 }, mode: 'bwrap' }).reason, 'SIGNAL');
  assert.equal(classify({ exit: { code: 3, signal: null }, mode: 'none' }).reason, 'EXIT_CODE');
  assert.equal(classify({ exit: { code: 125, signal: null }, mode: 'bwrap' }).reason, 'SPAWN_FAILED');
  assert.equal(classify({ exit: { code: 0, signal: null }, mode: 'bwrap' }).reason, 'PROTOCOL');
  assert.equal(classify({ exit, stopped: 'stop requested', mode: 'bwrap' }).reason, 'STOPPED');
  const stats = { recordsIn: {}, recordsOut: {}, deadLettered: 0, droppedRejects: 0, durationMs: 1, bytesIn: 0, inFlightChunks: 0, maxInFlightChunks: 0 };
  const failed = classify({ exit, result: { status: 'FAIL', error: { code: 'SLICE_STEP_FAILED', message: 'boom' }, stats, quality: [] }, mode: 'bwrap' });
  assert.deepEqual(failed, { status: 'FAIL', reason: 'SLICE_FAILED', message: 'SLICE_STEP_FAILED: boom' });
  assert.deepEqual(classify({ exit, result: { status: 'COMPLETE', stats, quality: [] }, mode: 'bwrap' }), { status: 'COMPLETE' });
});

test("the data root's parent is hidden when a bound root would show it (the other herds' data roots)", () => {
  assert.equal(maskDirFor('/repo/data/retail', ['/opt/runink', '/repo']), '/repo/data');
  assert.equal(maskDirFor('/repo/retail', ['/opt/runink', '/repo']), undefined);
  assert.equal(maskDirFor('/tmp/golden-x', ['/opt/runink', '/repo']), undefined);
});

test('the sandbox command joins the cgroup first, then bwrap drops to the slice uid with a cleared environment', () => {
  const plan = planConfinement(full, 'required', false);
  assert.ok(plan.ok);
  const layout: SandboxLayout = { installRoot: '/opt/runink', nodeBin: '/usr/bin/node', tsxUrl: 'file:///opt/runink/node_modules/tsx/dist/loader.mjs', childEntry: '/opt/runink/agent/confine/child-entry.ts', repoRoot: '/repo', dataRoot: '/repo/data/retail', sinkDirs: ['/repo/data/retail/out'], inputs: [], scratchTmp: '/s/x/tmp', system: [{ path: '/usr' }, { path: '/bin', link: 'usr/bin' }], env: { PATH: '/usr/bin' }, sliceUid: 65534 };
  const cmd = sandboxCommand(plan.plan, layout, full, ['/m/runink/x/cgroup.procs']);
  assert.equal(cmd.command, '/bin/sh');
  const args = cmd.args.join(' ');
  assert.match(args, /runink-slice \/m\/runink\/x\/cgroup\.procs -- \/usr\/bin\/bwrap /);
  assert.match(args, /--clearenv .*--setenv PATH \/usr\/bin/);
  assert.match(args, /--perms 0755 --tmpfs \/repo\/data --ro-bind \/repo\/data\/retail \/repo\/data\/retail --bind \/repo\/data\/retail\/out \/repo\/data\/retail\/out/);
  assert.match(args, /-- \/usr\/bin\/setpriv --reuid 65534 --regid 65534 .* -- \/usr\/bin\/node --import /);
  assert.ok(cmd.args.includes('--unshare-net'));
  assert.ok(!cmd.args.includes('--unshare-user'));
});

test('a launch whose required isolation cannot be met is refused before anything runs', async () => {
  const { admit } = await import('./launch.ts');
  const herd = { isolation: 'required', network: false, quotas: { cpu: 1000, memory: 1 << 30, slices: 1, pids: 32 } } as unknown as import('../../contracts/desired-state.ts').HerdSpec;
  const req = { runId: 'r1', repoRoot: '/repo', commit: 'c', spec: { id: 's' }, contracts: {}, herd, dataRoot: '/data' } as unknown as import('./types.ts').SliceLaunch;
  const { cgroup: _c, ...noCgroup } = full;
  const a = admit(req, noCgroup);
  assert.equal(a.ok, false);
  assert.ok(!a.ok && a.verdict.reason === 'ISOLATION_UNAVAILABLE' && a.verdict.status === 'FAIL');
  assert.equal(admit({ ...req, isolation: 'best-effort' }, noCgroup).ok, true);
  const bad = admit({ ...req, contracts: { x: { document: { when: new Date(0) } } } as never }, full);
  assert.ok(!bad.ok && bad.verdict.reason === 'BAD_REQUEST' && /contracts\.x\.document\.when/.test(bad.verdict.message ?? ''));
});

test('a herd without a memory quota gets no memory limit, never a limit of 0 bytes', () => {
  assert.equal(memoryLimitValue(0, 'v1'), '-1');
  assert.equal(memoryLimitValue(0, 'v2'), 'max');
  assert.equal(memoryLimitValue(256 * 1024 * 1024, 'v1'), String(256 * 1024 * 1024));
  assert.equal(memoryLimitValue(256 * 1024 * 1024, 'v2'), String(256 * 1024 * 1024));
});
