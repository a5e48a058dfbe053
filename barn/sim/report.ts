// Human-readable form of a SimResult: the seed, the cluster variant, the violation and the trace — what a
// failing test prints so the failure can be reproduced with `RUNINK_SIM_SEED=<seed>`.
import type { SimResult } from './types.ts';
import { describeVariant } from './variant.ts';

export function describeResult(r: SimResult): string {
  const head = `seed ${r.seed} [${describeVariant(r.variant)}]`;
  const s = r.stats;
  const stats = `steps=${s.steps} liveness-rounds=${s.livenessRounds} leaders=${s.leaders} max-term=${s.maxTerm} committed=${s.committed} crashes=${s.crashes} snapshots=${s.snapshotsInstalled} conf-changes=${s.confChanges} delivered=${s.messagesDelivered}`;
  if (r.violation === undefined) return `${head}: ok (${stats})`;
  const v = r.violation;
  return [`${head}: VIOLATION ${v.invariant} at step ${v.step}`, `  ${v.message}`, `  ${stats}`, '  last actions:', ...r.trace.map((l) => `    ${l}`)].join('\n');
}
