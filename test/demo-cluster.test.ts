// `npm start`'s second half (scripts/demo-cluster.ts) is part of the README's promise: run it for real and check
// what it shows — a Barn node and an agent converging examples-repo/'s placements.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { test } from 'node:test';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

test('the demo runs every batch scenario to COMPLETE through a real Barn node and agent, then stops the stream when unplaced', { timeout: 240_000 }, async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/demo-cluster.ts'], { cwd: ROOT, timeout: 230_000 });
  const runs = stdout.split('\n').filter((l) => l.startsWith('run '));
  assert.equal(runs.length, 5, stdout);
  assert.ok(runs.every((l) => /COMPLETE .* 2 lineage events/.test(l)), stdout);
  assert.match(stdout, /stream {4}payments-bronze\/stream-psp-events: 13 PSP events written to its stdin → 12 in finance\/bronze\/payments\.ndjson, 1 dead-lettered/);
  assert.match(stdout, /the agent stopped it: ABORT/);
});
