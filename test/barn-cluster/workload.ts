// Concurrent register clients against a Barn cluster, recording a history for the linearizability checker.
//
// Each client loops until `stop()`: picks a node at random (clients do not stick to one),
// a key from `keys`, and an op: read, blind write, cas, or (rarely) delete. Every written value is unique
// (`<client>:<seq>`), which is what makes Barn's revision-based compare a value compare: a key's modRevision
// is R iff it holds the one value written at R. So a cas is sent as PUT {value, ifRevision: R} and recorded
// as cas(expect = the value the client last saw at R, or MISSING for R = 0). A client without a view of a
// key reads it instead.
//
// Contract: every op is invoked on the recorder before its request is sent and resolved after its answer
// (ok / failed / unknown per barn-ops.ts); ops still in flight at the end stay unknown. Time is
// `now()` (performance.now() in ms), one clock for the whole history.
import { seededRng, type Rng } from '../../common/rng.ts';
import { MISSING, type Invocation } from '../linearizability/history.ts';
import type { HistoryRecorder } from '../linearizability/history-recorder.ts';
import { runOp, type Known, type OpOutcome, type OpRequest } from './barn-ops.ts';
import { sleep } from './node-http.ts';

export interface WorkloadOptions {
  readonly endpoints: ReadonlyArray<{ readonly id: string; readonly url: string }>;
  readonly token: string;
  readonly clients: number;
  readonly keys: readonly string[];
  /** Clients stop starting ops once this is true (checked before every op). */
  readonly stop: () => boolean;
  readonly seed: number;
  readonly recorder: HistoryRecorder;
  /** Client-side request timeout (ms), default 3000: shorter than Barn's own 5 s, so a client stuck behind a
   * lost proposal or a paused node moves on sooner (the op is unknown either way). */
  readonly requestTimeoutMs?: number;
  /** Fraction of reads sent with ?stale=true (default 0). Stale reads are not linearizable: a run with them
   * under a partition should FAIL the check, which is how to see that the harness can catch a violation. */
  readonly staleReads?: number;
}

export interface WorkloadStats {
  ops: number;
  ok: number;
  failed: number;
  unknown: number;
  /** Answers that mean the harness sent something invalid (4xx other than the expected ones). */
  rejected: string[];
  /** Counts of non-ok answers by their first words, for the report. */
  reasons: Record<string, number>;
}

/** The history's clock: performance.now() in ms, rounded to 0.1 ms (monotonic, so real-time order is kept). */
export const now = (): number => Math.round(performance.now() * 10) / 10;

export async function runWorkload(o: WorkloadOptions): Promise<WorkloadStats> {
  const stats: WorkloadStats = { ops: 0, ok: 0, failed: 0, unknown: 0, rejected: [], reasons: {} };
  await Promise.all(Array.from({ length: o.clients }, (_, i) => client(o, `c${i + 1}`, seededRng(o.seed * 31 + i + 1), stats)));
  return stats;
}

async function client(o: WorkloadOptions, name: string, rng: Rng, stats: WorkloadStats): Promise<void> {
  const views = new Map<string, Known>();
  let seq = 0;
  // Bounded by the caller's stop(); each iteration takes at least a request round trip or a sleep.
  while (!o.stop()) {
    const node = o.endpoints[rng.int(o.endpoints.length)]!;
    const key = o.keys[rng.int(o.keys.length)]!;
    const view = views.get(key);
    const roll = rng.next();
    const value = `${name}:${++seq}`;
    const [picked, invocation] = pick(roll, view, value);
    const request: OpRequest = picked.kind === 'read' && rng.next() < (o.staleReads ?? 0) ? { kind: 'read', stale: true } : picked;
    const id = o.recorder.invoke(name, key, invocation, now());
    const outcome = await runOp(node.url, o.token, key, request, o.requestTimeoutMs ?? 3000);
    record(o.recorder, id, outcome, stats, node.id);
    if (outcome.kind === 'ok' && outcome.known !== undefined) views.set(key, outcome.known);
    if (outcome.kind !== 'ok') views.delete(key); // after a failure, re-learn the key before the next cas
    await sleep(outcome.kind === 'ok' ? rng.int(10) : 50 + rng.int(100));
  }
}

function pick(roll: number, view: Known | undefined, value: string): [OpRequest, Invocation] {
  if (roll < 0.4 || (roll < 0.8 && view === undefined)) return [{ kind: 'read' }, { kind: 'read', input: null }];
  if (roll < 0.8) {
    const known = view as Known;
    const expect = known.found ? known.value : MISSING;
    return [{ kind: 'cas', ifRevision: known.found ? known.modRevision : 0, value }, { kind: 'cas', input: { expect, value } }];
  }
  if (roll < 0.97) return [{ kind: 'write', value }, { kind: 'write', input: { value } }];
  return [{ kind: 'delete' }, { kind: 'delete', input: null }];
}

function record(recorder: HistoryRecorder, id: number, outcome: OpOutcome, stats: WorkloadStats, node: string): void {
  stats.ops++;
  switch (outcome.kind) {
    case 'ok':
      stats.ok++;
      recorder.ok(id, outcome.output, now());
      return;
    case 'failed':
      stats.failed++;
      recorder.fail(id);
      break;
    case 'rejected':
      stats.rejected.push(`${node}: ${outcome.why}`);
      recorder.fail(id);
      break;
    case 'unknown':
      stats.unknown++;
      recorder.unknown(id);
      break;
  }
  const reason = `${outcome.kind}: ${outcome.why.split(/[(;,]/)[0]!.trim()}`;
  stats.reasons[reason] = (stats.reasons[reason] ?? 0) + 1;
}
