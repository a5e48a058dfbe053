// agent/confine's launcher when the cgroup refuses the scenario's limits (cgroup v1 will not lower
// memory.limit_in_bytes below what the runtime already uses: EBUSY): the outcome is FAIL LIMITS_FAILED naming the
// limits, the runtime is killed before it sees the spec, and the outcome never rejects. A fake runtime stands in
// for the sandbox (launchOn's warm-runtime seam), so this runs anywhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchOn } from '../confine/launch.ts';
import type { Exit, Runtime } from '../confine/runtime.ts';
import type { ParentMessage } from '../confine/protocol.ts';
import type { CgroupLimits } from '../confine/types.ts';
import { compileRepo } from '../../reconciler/desired/compile-state.ts';
import { worktreeReader } from '../../reconciler/source/worktree-reader.ts';
import { sliceExitOf } from './confined-launcher.ts';
import { COMMIT, EXAMPLES, scenarioOf } from './test-support.ts';

function refusingRuntime(dir: string): Runtime & { sent: ParentMessage[]; killed: number; cleaned: number; asked: CgroupLimits[] } {
  let exit: (e: Exit) => void = () => {};
  const exited = new Promise<Exit>((r) => {
    exit = r;
  });
  const rt = {
    sent: [] as ParentMessage[],
    killed: 0,
    cleaned: 0,
    asked: [] as CgroupLimits[],
    id: 'limits-run',
    plan: { isolation: 'required', mode: 'bwrap', namespaces: ['pid', 'mount'], cgroup: true, network: false, missing: [] },
    layout: { installRoot: dir, nodeBin: process.execPath, tsxUrl: '', childEntry: '', repoRoot: '/repo', dataRoot: '/data', sinkDirs: [], inputs: [] },
    child: { pid: 4242 },
    ready: Promise.resolve(true),
    exited,
    drained: Promise.resolve(),
    cgroup: { version: 'v1', name: 'limits-run' },
    onMessage: () => {},
    protocolError: undefined,
    setLimits(limits: CgroupLimits) {
      rt.asked.push(limits);
      throw Object.assign(new Error('EBUSY: resource busy or locked, write'), { code: 'EBUSY', errno: -16, syscall: 'write' });
    },
    async send(m: ParentMessage) {
      rt.sent.push(m);
    },
    kill() {
      rt.killed++;
      exit({ code: null, signal: 'SIGKILL' });
    },
    async cleanup() {
      rt.cleaned++;
      return { oomKills: 0, pidsMaxHits: 0, memoryFailcnt: 0 };
    },
  };
  return rt as unknown as Runtime & typeof rt;
}

test('limits the cgroup refuses end the run FAIL LIMITS_FAILED naming the memory limit, and nothing runs', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runi-limits-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const state = await compileRepo(worktreeReader(EXAMPLES));
  const spec = scenarioOf(state, 'orders-bronze/ingest-raw-orders');
  const herd = state.herds[spec.herd]!;
  const rt = refusingRuntime(dir);
  const warnings: string[] = [];
  const handle = launchOn({ runId: 'limits-run', repoRoot: EXAMPLES, commit: COMMIT, spec, contracts: state.contracts, herd, dataRoot: join(dir, 'data'), onWarning: (m) => warnings.push(m) }, rt);
  const outcome = await handle.result;
  assert.equal(outcome.status, 'FAIL');
  assert.equal(outcome.reason, 'LIMITS_FAILED');
  const mib = Math.round(rt.asked[0]!.memoryMax / 1048576);
  assert.match(outcome.message ?? '', new RegExp(`cannot apply the cgroup limits of ${spec.id} \\(memory ${mib} MiB, .*\\).*memory limit ${mib} MiB is below what the runtime already uses.*nothing ran.*EBUSY`));
  assert.deepEqual(rt.sent, [], 'the runtime never saw the spec');
  assert.ok(rt.killed >= 1, 'the runtime was killed');
  assert.equal(rt.cleaned, 1, 'cgroup and scratch cleaned up once');
  assert.deepEqual(outcome.events.map((e) => e.eventType), ['START', 'FAIL']);
  assert.equal(outcome.confinement.cgroup?.version, 'v1');
  // the daemon records it with a stable code
  assert.equal(sliceExitOf(outcome).error?.code, 'CONFINE_LIMITS_FAILED');
  assert.deepEqual(warnings, []);
});
