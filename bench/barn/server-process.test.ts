// The benchmark's server processes never outlive it, and a run refuses to start beside servers it did not start.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { assertNoStrayServers, strayServers } from './server-process.ts';

/** Running, not a zombie waiting for a parent to reap it. */
const alive = (pid: number): boolean => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
};

test('a server that looks like `barn start` is found as a stray, and refused unless BARN_BENCH_ALLOW_OTHERS=1', async () => {
  const fake = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30_000)', 'barn', 'start', '--id', 'stray'], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(strayServers().some((s) => s.pid === fake.pid && s.command.includes('barn start --id stray')));
    assert.ok(!strayServers([fake.pid!]).some((s) => s.pid === fake.pid), 'excepted pids are not strays');
    assert.throws(() => assertNoStrayServers(), (e: Error) => e.message.includes(`kill`) && e.message.includes(String(fake.pid)) && e.message.includes('BARN_BENCH_ALLOW_OTHERS=1'));
    process.env['BARN_BENCH_ALLOW_OTHERS'] = '1';
    try {
      assert.doesNotThrow(() => assertNoStrayServers());
    } finally {
      delete process.env['BARN_BENCH_ALLOW_OTHERS'];
    }
  } finally {
    fake.kill('SIGKILL');
  }
});

test('servers still running when the benchmark process dies of an uncaught error are killed with it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'server-process-'));
  try {
    const module = fileURLToPath(new URL('./server-process.ts', import.meta.url));
    const script = `
      import { spawnServer } from ${JSON.stringify(module)};
      const s = spawnServer('sleeper', process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { dataDir: ${JSON.stringify(dir)}, logFile: ${JSON.stringify(join(dir, 'sleeper.log'))}, url: '' });
      console.log(s.pid);
      throw new Error('the benchmark crashed');`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.notEqual(run.status, 0, 'the benchmark process failed');
    assert.match(run.stderr, /the benchmark crashed/);
    const pid = Number(run.stdout.trim());
    assert.ok(pid > 0, `the server started (stdout: ${run.stdout})`);
    const deadline = Date.now() + 5000;
    while (alive(pid) && Date.now() < deadline) spawnSync('sleep', ['0.05']);
    assert.equal(alive(pid), false, 'the server died with the benchmark');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a Barn member the benchmark starts is node itself, through the runi launcher, with its flags and MALLOC_ARENA_MAX=2', async () => {
  const { startBarnCluster } = await import('./barn-cluster.ts');
  const dir = mkdtempSync(join(tmpdir(), 'server-process-'));
  const cluster = await startBarnCluster(1, dir, { nodeFlags: ['--stack-size=2000'] });
  try {
    const pid = cluster.members[0]!.pid;
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    assert.ok(argv[0]!.endsWith('node'), `the measured pid runs node, not the shell: ${argv.join(' ')}`);
    assert.deepEqual(argv.slice(1, 3), ['--stack-size=2000', fileURLToPath(new URL('../../bin/runi.mjs', import.meta.url))]);
    assert.ok(readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes('MALLOC_ARENA_MAX=2'));
  } finally {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
