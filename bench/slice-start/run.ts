// Start latency of a confined slice, dispatch → first record: cold (a new confined process per run) and warm
// (a pre-started runtime of the warm pool), against two references measured in the same run: a plain
// `node -e ''` start and a bare `bwrap … /bin/true` with the same namespaces.
//   node --import tsx bench/slice-start/run.ts [--runs 50] [--isolation required|best-effort|off]
// "First record" = the runtime reports (progress after every chunk) that the first chunk went through to the
// sink. Runs as root for full confinement (cgroup, namespaces, uid 65534, read-only view).
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { Isolation } from '../../contracts/desired-state.ts';
import { probeHost } from '../../agent/confine/host.ts';
import { launchSlice, prewarmRuntimeCache } from '../../agent/confine/launch.ts';
import type { SliceHandle, SliceLaunch } from '../../agent/confine/types.ts';
import { createWarmPool } from '../../agent/confine/warm-pool.ts';
import { compileRepo } from '../../reconciler/desired/compile-state.ts';
import { worktreeReader } from '../../reconciler/source/worktree-reader.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '50' }, isolation: { type: 'string' } } });
const runs = Number(values.runs);
const isolation = values.isolation as Isolation | undefined;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}
function row(name: string, xs: number[]): string {
  return `| ${name} | ${xs.length} | ${pct(xs, 50).toFixed(1)} | ${pct(xs, 90).toFixed(1)} | ${pct(xs, 99).toFixed(1)} |`;
}
function timeSpawn(cmd: string, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.status}`);
  return performance.now() - t0;
}

/** ms from `start()` to the first progress with a record in. */
async function firstRecord(start: (onFirst: () => void) => SliceHandle): Promise<number> {
  const t0 = performance.now();
  let first = -1;
  const h = start(() => {
    if (first < 0) first = performance.now() - t0;
  });
  const o = await h.result;
  if (o.status !== 'COMPLETE' || first < 0) throw new Error(`run failed: ${o.reason} ${o.message}`);
  return first;
}

const root = mkdtempSync(join(tmpdir(), 'runink-bench-start-'));
try {
  chmodSync(root, 0o755);
  const repo = join(root, 'repo');
  cpSync(fileURLToPath(new URL('../../agent/confine/testdata/repo', import.meta.url)), repo, { recursive: true });
  const dataRoot = join(repo, 'data/alpha');
  mkdirSync(join(dataRoot, 'in'), { recursive: true });
  writeFileSync(join(dataRoot, 'in/relay.ndjson'), '{"a":1}\n{"a":2}\n');
  const state = await compileRepo(worktreeReader(repo));
  const spec = Object.values(state.pipelines).flatMap((p) => p.scenarios).find((s) => s.id === 'relay/relay-records')!;
  await prewarmRuntimeCache();
  let n = 0;
  const req = (onFirst: () => void): SliceLaunch => ({
    runId: `bench-${process.pid}-${n++}`,
    repoRoot: repo,
    commit: 'bench',
    spec,
    contracts: state.contracts,
    herd: state.herds['alpha']!,
    dataRoot,
    stdio: 'ignore',
    progressIntervalMs: 0,
    ...(isolation ? { isolation } : {}),
    onProgress: (s) => {
      if ((s.recordsIn['records'] ?? 0) > 0) onFirst();
    },
  });
  const host = probeHost();
  const nodeRef: number[] = [];
  const bwrapRef: number[] = [];
  for (let i = 0; i < runs; i++) nodeRef.push(timeSpawn(process.execPath, ['-e', '']));
  if (host.bwrap !== undefined) {
    const args = ['--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-net', ...(host.root ? [] : ['--unshare-user']), '--die-with-parent', '--ro-bind', '/usr', '/usr', '--symlink', 'usr/bin', '/bin', '--symlink', 'usr/lib', '/lib', '--symlink', 'usr/lib64', '/lib64', '--proc', '/proc', '--dev', '/dev', '/bin/true'];
    for (let i = 0; i < runs; i++) bwrapRef.push(timeSpawn(host.bwrap, args));
  }
  const cold: number[] = [];
  let confinement = '';
  for (let i = 0; i < runs; i++) {
    cold.push(await firstRecord((f) => {
      const h = launchSlice(req(f));
      void h.result.then((o) => (confinement = `${o.confinement.mode}, namespaces ${o.confinement.namespaces.join('/')}, uid ${o.confinement.uid ?? 'same'}, cgroup ${o.confinement.cgroup?.version ?? 'none'}; missing: ${o.confinement.missing.join('; ') || 'nothing'}`));
      return h;
    }));
  }
  const pool = createWarmPool({ size: 1 });
  const warm: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const r = req(() => undefined);
      if (!(await pool.whenReady(r))) throw new Error('no warm runtime');
      // settle: the refill of the previous run must not share the CPU with this dispatch
      await new Promise((resolve) => setTimeout(resolve, 50));
      warm.push(await firstRecord((f) => pool.launch({ ...req(f), runId: r.runId })));
    }
  } finally {
    await pool.close();
  }
  console.log(`confinement: ${confinement}`);
  console.log('| start | runs | p50 ms | p90 ms | p99 ms |\n|---|---|---|---|---|');
  console.log(row("reference: `node -e ''`", nodeRef));
  if (bwrapRef.length > 0) console.log(row('reference: `bwrap … /bin/true`', bwrapRef));
  console.log(row('slice cold (new confined process), dispatch → first record', cold));
  console.log(row('slice warm (pool), dispatch → first record', warm));
} finally {
  rmSync(root, { recursive: true, force: true });
}
