// Fault presets: relative weights of the scheduler's action kinds. `none` keeps only the normal life of a
// cluster (ticks, delivery in order-ish, proposals, reads, transfers, compaction, membership changes);
// `default` adds message
// loss, duplication, reordering, partitions and crashes at rates that still let the cluster make progress;
// `heavy` makes faults frequent.
import type { ActionKind, ActionWeights, ClusterVariant, SimOptions } from './types.ts';

export const NO_FAULTS: ActionWeights = {
  tick: 20,
  deliver: 30,
  drop: 0,
  duplicate: 0,
  delay: 0,
  propose: 6,
  read: 1,
  transfer: 0.4,
  ready: 30,
  partition: 0,
  heal: 0,
  crash: 0,
  restart: 0,
  bounce: 0,
  compact: 1,
  reconfigure: 0.3,
};

export const DEFAULT_FAULTS: ActionWeights = {
  ...NO_FAULTS,
  drop: 2,
  duplicate: 1.5,
  delay: 3,
  partition: 0.6,
  heal: 1.5,
  crash: 0.5,
  restart: 3,
  bounce: 0.5,
};

export const HEAVY_FAULTS: ActionWeights = {
  ...NO_FAULTS,
  drop: 6,
  duplicate: 4,
  delay: 8,
  transfer: 1,
  partition: 2,
  heal: 2,
  crash: 2,
  restart: 4,
  bounce: 2,
  compact: 3,
  reconfigure: 1,
};

/** The weights with a seed's swarm multipliers applied. */
export function applySwarm(w: ActionWeights, swarm: ClusterVariant['swarm']): ActionWeights {
  const out: Record<ActionKind, number> = { ...w };
  for (const [k, f] of Object.entries(swarm) as [ActionKind, number][]) out[k] = w[k] * f;
  return out;
}

export function faultWeights(faults: SimOptions['faults']): ActionWeights {
  switch (faults) {
    case undefined:
    case 'default':
      return DEFAULT_FAULTS;
    case 'none':
      return NO_FAULTS;
    case 'heavy':
      return HEAVY_FAULTS;
    default:
      return faults;
  }
}
