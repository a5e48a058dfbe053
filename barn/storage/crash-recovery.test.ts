// Kill -9 a process that is writing to the store (crash-child.fixture.ts) at seeded random moments, reopen the
// store, and check it holds exactly what the child acknowledged (or, at most, the one write in flight, whole or
// only its Raft part), with every invariant intact. The same dir is reused across rounds, so each round also
// recovers from the last crash. Reproduce a failure with BARN_CRASH_SEED=<seed printed in the failure>.
//
// What this proves: atomicity and durability against process crashes: a write goes to the WAL first, then to the
// env in one transaction (LMDB's copy-on-write commit); a crash between the two reopens with the write's log,
// hard state and snapshot (caught up from the WAL) and the state machine as it was before it — what a node
// then re-applies. Machine restarts (the env rebuilt from the WAL) are tested in wal-store.test.ts.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { test } from 'node:test';
import { seededRng } from '../../common/rng.ts';
import { expectedKv, readParts, sortedRecords, summarize, type StoreParts, type Summary } from './crash-model.fixture.ts';
import { openStore } from './lmdb-store.ts';

const ROUNDS = 5;
const SEED = Number(process.env['BARN_CRASH_SEED'] ?? 1337);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const childScript = fileURLToPath(new URL('./crash-child.fixture.ts', import.meta.url));

interface ChildRun {
  readonly start: Summary;
  readonly intents: Map<number, Summary>;
  readonly acked: number;
  /** Acknowledged ops that were deferred (commit-only) writes. */
  readonly deferred: number;
  readonly signal: NodeJS.Signals | null;
  readonly code: number | null;
  readonly stderr: string;
}

/** Runs the child until `killAfterMs` after it reported its starting state, then SIGKILLs it. */
function runChild(dir: string, seed: number, killAfterMs: number, writeBack = false): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', childScript, dir, String(seed), '20000', ...(writeBack ? ['write-back'] : [])], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let armed = false;
    const guard = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (!armed && stdout.includes('\n')) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      try {
        resolve({ ...parseLines(stdout), code, signal, stderr });
      } catch (e) {
        reject(new Error(`${(e as Error).message}\nchild stderr:\n${stderr}`));
      }
    });
  });
}

function parseLines(stdout: string): Pick<ChildRun, 'start' | 'intents' | 'acked' | 'deferred'> {
  const complete = stdout.slice(0, stdout.lastIndexOf('\n') + 1).split('\n').filter(Boolean);
  let start: Summary | undefined;
  const intents = new Map<number, Summary>();
  let acked = 0;
  let deferred = 0;
  for (const line of complete) {
    if (line.startsWith('E ')) throw new Error(`child failed: ${line}`);
    const [tag, a, ...rest] = line.split(' ');
    if (tag === 'S') start = JSON.parse([a, ...rest].join(' ')) as Summary;
    else if (tag === 'I') intents.set(Number(a), JSON.parse(rest.join(' ')) as Summary);
    else if (tag === 'A') {
      acked = Number(a);
      if (rest[0] === 'deferred') deferred++;
    }
  }
  if (start === undefined) throw new Error('child never reported its starting state');
  return { start, intents, acked, deferred };
}

/** A write whose WAL append landed and whose env transaction did not: its log, hard state and snapshot, and the
 * state machine as before it. */
function raftPartOnly(inFlight: Summary, acked: Summary): Summary {
  return { ...inFlight, applied: acked.applied, revision: acked.revision, compacted: acked.compacted, events: acked.events, kvHash: acked.kvHash };
}

/** Invariants that hold in any state the store may legally be in, independent of the child's reports. */
function checkInvariants(p: StoreParts): void {
  const first = p.offsetIndex + 1;
  p.entries.forEach((e, k) => assert.equal(e.index, first + k, 'the log is contiguous'));
  let prevTerm = p.offsetTerm;
  for (const e of p.entries) {
    assert.ok(e.term >= prevTerm, `term of entry ${e.index} does not decrease`);
    prevTerm = e.term;
  }
  const last = p.entries[p.entries.length - 1]?.index ?? p.offsetIndex;
  assert.ok(p.hard.commit <= last, `commit ${p.hard.commit} ≤ lastIndex ${last}`);
  assert.ok(p.applied <= p.hard.commit, `applied ${p.applied} ≤ commit ${p.hard.commit}`);
  assert.ok(p.snapIndex >= p.offsetIndex, 'the log never starts after the latest snapshot');
  assert.equal(p.revision, p.applied, 'every applied entry bumped the revision once (no partial batch)');
  assert.deepEqual(sortedRecords(p.kv), sortedRecords(expectedKv(p.applied)), 'the KV is exactly the state at the applied index');
  assert.ok(p.eventRevisions.every((r) => r >= p.compacted && r <= p.revision), 'history lies between compaction and revision');
}

test('a store killed with SIGKILL mid-write reopens to exactly an acknowledged state (or the write in flight)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runink-barn-crash-'));
  const rng = seededRng(SEED);
  let acked = 0;
  let deferred = 0;
  let inFlightLanded = 0;
  let inFlightLost = 0;
  let inFlightRaftOnly = 0;
  let previous: Summary | undefined;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const killAfterMs = 30 + rng.int(400);
      const run = await runChild(dir, SEED * 100 + round, killAfterMs);
      const where = `seed ${SEED}, round ${round}, killed ${killAfterMs} ms after start, ${run.acked} ops acknowledged`;
      assert.equal(run.signal, 'SIGKILL', `child was killed, not exited (${where}): ${run.stderr}`);
      if (previous !== undefined) assert.deepEqual(run.start, previous, `the child restarted from the verified state (${where})`);

      const store = openStore(dir, { clusterId: 'c-crash', nodeId: 'n1' });
      try {
        const parts = readParts(store);
        const got = summarize(parts);
        const ackedState = run.acked === 0 ? run.start : run.intents.get(run.acked);
        const inFlight = run.intents.get(run.acked + 1);
        if (inFlight !== undefined && isDeepStrictEqual(got, inFlight) && !isDeepStrictEqual(got, ackedState)) {
          inFlightLanded++;
        } else if (inFlight !== undefined && ackedState !== undefined && isDeepStrictEqual(got, raftPartOnly(inFlight, ackedState)) && !isDeepStrictEqual(got, ackedState)) {
          inFlightRaftOnly++;
        } else {
          assert.deepEqual(got, ackedState, `the reopened store holds the last acknowledged state (${where})`);
          if (inFlight !== undefined) inFlightLost++;
        }
        checkInvariants(parts);
        previous = got;
      } finally {
        await store.close();
      }
      acked += run.acked;
      deferred += run.deferred;
    }
    t.diagnostic(
      `${acked} acknowledged writes (${deferred} of them commit-only, not flushed) over ${ROUNDS} crashes; a write in flight landed whole ${inFlightLanded} times, ` +
        `only its Raft part (from the WAL) ${inFlightRaftOnly} times, vanished whole ${inFlightLost} times`,
    );
    assert.ok(acked >= ROUNDS, `the child made progress (${acked} acknowledged writes)`);
    assert.ok(deferred > 0, 'commit-only (deferred) writes were among the acknowledged ones');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The Raft part of a summary: what the WAL makes durable, whatever the state machine's write-back did. */
function raftPart(s: Summary): Omit<Summary, 'applied' | 'revision' | 'compacted' | 'events' | 'kvHash'> {
  const { applied: _a, revision: _r, compacted: _c, events: _e, kvHash: _k, ...raft } = s;
  return raft;
}

test('a write-back store killed with SIGKILL reopens with the acknowledged log and a KV exactly as of its applied index', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runink-barn-crash-wb-'));
  const rng = seededRng(SEED + 1);
  let acked = 0;
  let behind = 0;
  let previous: Summary | undefined;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const killAfterMs = 30 + rng.int(400);
      const run = await runChild(dir, SEED * 100 + 50 + round, killAfterMs, true);
      const where = `seed ${SEED}, write-back round ${round}, killed ${killAfterMs} ms after start, ${run.acked} ops acknowledged`;
      assert.equal(run.signal, 'SIGKILL', `child was killed, not exited (${where}): ${run.stderr}`);
      if (previous !== undefined) assert.deepEqual(run.start, previous, `the child restarted from the verified state (${where})`);
      const store = openStore(dir, { clusterId: 'c-crash', nodeId: 'n1', writeBack: true });
      try {
        const parts = readParts(store);
        const got = summarize(parts);
        const ackedState = run.acked === 0 ? run.start : run.intents.get(run.acked);
        const inFlight = run.intents.get(run.acked + 1);
        assert.ok(ackedState !== undefined, `the child reported its acknowledged state (${where})`);
        const raftMatches = [ackedState, inFlight].some((s) => s !== undefined && isDeepStrictEqual(raftPart(got), raftPart(s)));
        assert.ok(raftMatches, `the log, hard state and snapshot are the acknowledged ones or the write in flight (${where}): ${JSON.stringify(got)} vs ${JSON.stringify(ackedState)}`);
        assert.ok(got.applied <= Math.max(ackedState.applied, inFlight?.applied ?? 0), `nothing beyond what was applied (${where})`);
        if (got.applied < ackedState.applied) behind++;
        checkInvariants(parts); // the KV is exactly the state at its applied index
        previous = got;
      } finally {
        await store.close();
      }
      acked += run.acked;
    }
    t.diagnostic(`${acked} acknowledged writes over ${ROUNDS} crashes; the env's KV was behind the acknowledged applied index ${behind} times (re-applied from the log)`);
    assert.ok(acked >= ROUNDS, `the child made progress (${acked} acknowledged writes)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
