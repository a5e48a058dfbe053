// simulate(seed, options): one deterministic run. The seed's RNG draws the cluster variant, then drives the
// scheduler for `steps` actions with every safety invariant checked after each; then the liveness phase.
// The result carries the first violation (if any), the last actions (trace) and counters. Same seed and
// options → same trace and result, on every machine.
import { seededRng } from '../../common/rng.ts';
import { isRuninkError } from '../../common/error.ts';
import { Cluster } from './cluster.ts';
import { checkFinal, checkStep } from './cluster-checks.ts';
import { applySwarm, faultWeights } from './faults.ts';
import { runLiveness } from './liveness.ts';
import { Scheduler } from './scheduler.ts';
import { Trace, describeAction } from './trace.ts';
import type { SimOptions, SimResult, Violation } from './types.ts';
import { drawVariant } from './variant.ts';
import { ViolationError } from './violation.ts';

const DEFAULT_TRACE_LENGTH = 40;
const DEFAULT_LIVENESS_ROUNDS = 400;

export function simulate(seed: number, options: SimOptions): SimResult {
  const rng = seededRng(seed);
  const variant = drawVariant(rng, options);
  const trace = new Trace(options.traceLength ?? DEFAULT_TRACE_LENGTH);
  const log = options.log;
  let step = 0;
  let livenessRounds = 0;
  let violation: Violation | undefined;
  let cluster: Cluster | undefined;
  try {
    const c = new Cluster(variant, rng, options);
    cluster = c;
    const scheduler = new Scheduler(rng, applySwarm(faultWeights(options.faults), variant.swarm), options.membership ?? 'careful');
    for (step = 1; step <= options.steps; step++) {
      const action = scheduler.next(c);
      trace.push(step, action);
      log?.(`#${step} ${describeAction(action)}`);
      c.perform(action);
      checkStep(c);
    }
    step = options.steps;
    checkFinal(c);
    const maxRounds = options.livenessRounds ?? DEFAULT_LIVENESS_ROUNDS;
    if (maxRounds > 0) {
      log?.('liveness phase: heal, restart, no faults');
      livenessRounds = runLiveness(c, maxRounds, (round) => {
        step = options.steps + round;
        log?.(`#${step} liveness round ${round}`);
      });
      checkFinal(c);
    }
  } catch (e) {
    violation = toViolation(e, step);
  }
  return {
    seed,
    variant,
    violation,
    trace: trace.lines(),
    stats: {
      steps: Math.min(step, options.steps),
      livenessRounds,
      leaders: cluster?.checker.election.count() ?? 0,
      maxTerm: Math.max(0, ...(cluster?.nodes ?? []).map((n) => n.raw?.raft.term ?? n.storage.hardStateNow().term)),
      committed: cluster?.checker.committed.size() ?? 0,
      crashes: cluster?.stats.crashes ?? 0,
      snapshotsInstalled: cluster?.stats.snapshotsInstalled ?? 0,
      messagesDelivered: cluster?.stats.messagesDelivered ?? 0,
      confChanges: cluster?.stats.confChanges ?? 0,
    },
  };
}

function toViolation(e: unknown, step: number): Violation {
  if (e instanceof ViolationError) return { invariant: e.invariant, message: e.message, step };
  if (isRuninkError(e, 'RAFT_INVARIANT')) return { invariant: 'raft-invariant', message: e.message, step };
  const text = e instanceof Error ? (e.stack ?? e.message).split('\n').slice(0, 6).join('\n') : String(e);
  return { invariant: 'exception', message: text, step };
}
