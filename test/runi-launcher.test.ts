// bin/runi, the `runi` command npm links: node running bin/runi.mjs with glibc's malloc held to two arenas.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const RUNI = fileURLToPath(new URL('../bin/runi', import.meta.url));

function run(cmd: string, env: Record<string, string | undefined>): { status: number | null; stdout: string } {
  const merged: Record<string, string | undefined> = { ...process.env, ...env };
  for (const k of Object.keys(merged)) if (merged[k] === undefined) delete merged[k];
  const r = spawnSync(cmd, [], { env: merged as NodeJS.ProcessEnv, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout };
}

test('runi sets MALLOC_ARENA_MAX=2 for node unless it is already set', () => {
  // node -p prints the expression and ignores the script after it: this reads the environment node got
  const flags = '-p process.env.MALLOC_ARENA_MAX';
  assert.equal(run(RUNI, { RUNI_NODE_FLAGS: flags, MALLOC_ARENA_MAX: undefined }).stdout.trim(), '2');
  assert.equal(run(RUNI, { RUNI_NODE_FLAGS: flags, MALLOC_ARENA_MAX: '8' }).stdout.trim(), '8');
});

test('runi runs the CLI when called through a symlink, as npm links it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runi-link-'));
  try {
    const link = join(dir, 'runi');
    symlinkSync(RUNI, link);
    const r = spawnSync(link, ['--help'], { encoding: 'utf8' });
    assert.equal(r.status, 0);
    assert.match(r.stdout, /Usage: runi <verb>/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
