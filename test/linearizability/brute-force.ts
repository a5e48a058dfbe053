// Test support: a deliberately naive linearizability oracle for tiny histories (≤ ~8 ops), written straight
// from the definition and sharing nothing with the search: try every order of every subset of the
// unknown-outcome ops together with all known ops, respecting real-time order (a before b whenever a returned
// strictly before b was called) and the model.
import type { Operation } from './history.ts';
import type { Model } from './models.ts';

export function bruteForceLinearizable<S>(ops: readonly Operation[], model: Model<S>): boolean {
  return extend(ops, model, model.init());
}

function extend<S>(remaining: readonly Operation[], model: Model<S>, state: S): boolean {
  if (remaining.every((op) => op.return === undefined)) return true;
  for (const op of remaining) {
    const blocked = remaining.some((other) => other.return !== undefined && other.return < op.call);
    if (blocked) continue;
    const result = model.step(state, op);
    if (!result.ok) continue;
    if (extend(remaining.filter((o) => o !== op), model, result.next)) return true;
  }
  return false;
}
