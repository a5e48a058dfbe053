import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { keepLogs, memberExited } from './keep-logs.ts';
import type { RunningCluster } from './server-process.ts';

function cluster(dir: string, ends: ReadonlyArray<{ exitCode: number | null; signalCode: string | null }>): RunningCluster {
  const members = ends.map((end, i) => {
    const logFile = join(dir, `n${i + 1}.log`);
    writeFileSync(logFile, `log of n${i + 1}\n`);
    return { name: `n${i + 1}`, child: end, pid: 0, dataDir: dir, logFile, url: '' };
  });
  return { kind: 'barn', members } as unknown as RunningCluster;
}

test('the logs of a cluster whose member died are kept beside the work dir, with how each member ended', () => {
  const root = mkdtempSync(join(tmpdir(), 'keep-logs-'));
  try {
    const work = join(root, 'work');
    mkdirSync(work);
    const c = cluster(work, [{ exitCode: null, signalCode: null }, { exitCode: 3, signalCode: null }, { exitCode: null, signalCode: 'SIGKILL' }]);
    assert.equal(memberExited(c), true);
    const kept = keepLogs(c, work, 'barn-x3-c64', new Date('2026-11-30T11:19:05Z'));
    assert.equal(kept, join(root, 'kept', 'barn-x3-c64-2026-11-30T11-19-05.000Z'));
    rmSync(work, { recursive: true }); // what the benchmark does next
    assert.deepEqual(readdirSync(kept).sort(), ['exits.txt', 'n1.log', 'n2.log', 'n3.log']);
    assert.equal(readFileSync(join(kept, 'exits.txt'), 'utf8'), 'n1 running\nn2 3\nn3 SIGKILL\n');
    assert.equal(readFileSync(join(kept, 'n2.log'), 'utf8'), 'log of n2\n');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a cluster whose members all run has no member that exited', () => {
  const root = mkdtempSync(join(tmpdir(), 'keep-logs-'));
  try {
    assert.equal(memberExited(cluster(root, [{ exitCode: null, signalCode: null }, { exitCode: null, signalCode: null }])), false);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
