// The cluster variant of a seed: timing, pre-vote / check-quorum, flow-control limits and Ready mode are
// drawn from the seed's RNG (so seeds cover the combinations), then explicit overrides apply.
import type { Rng } from '../../common/rng.ts';
import type { ActionKind, ClusterVariant, SimOptions } from './types.ts';

const MSG_SIZES = [1, 24, Number.MAX_SAFE_INTEGER] as const;
const INFLIGHTS = [1, 3, 256] as const;
const TEMPOS = [0.5, 1, 2] as const;
const APPLY_LAGS = [0, 0.5, 0.9] as const;
const SWARM_KINDS: readonly ActionKind[] = ['drop', 'duplicate', 'delay', 'propose', 'partition', 'crash', 'bounce', 'compact', 'transfer', 'reconfigure'];
const SWARM_FACTORS = [0, 0.5, 1, 2, 4] as const;

export function drawVariant(rng: Rng, o: SimOptions): ClusterVariant {
  const electionTick = 2 + rng.int(6);
  const drawn: ClusterVariant = {
    nodes: o.nodes,
    electionTick,
    heartbeatTick: 1 + rng.int(electionTick > 3 ? 2 : 1),
    preVote: rng.int(2) === 1,
    checkQuorum: rng.int(2) === 1,
    maxSizePerMsg: MSG_SIZES[rng.int(MSG_SIZES.length)] as number,
    maxInflightMsgs: INFLIGHTS[rng.int(INFLIGHTS.length)] as number,
    readyMode: rng.int(2) === 1 ? 'lazy' : 'eager',
    tempo: TEMPOS[rng.int(TEMPOS.length)] as number,
    applyLag: APPLY_LAGS[rng.int(APPLY_LAGS.length)] as number,
    swarm: Object.fromEntries(SWARM_KINDS.map((k) => [k, SWARM_FACTORS[rng.int(SWARM_FACTORS.length)] as number])),
  };
  return { ...drawn, ...o.variant, nodes: o.nodes };
}

export function describeVariant(v: ClusterVariant): string {
  const size = v.maxSizePerMsg === Number.MAX_SAFE_INTEGER ? 'inf' : String(v.maxSizePerMsg);
  return `nodes=${v.nodes} election=${v.electionTick} heartbeat=${v.heartbeatTick} prevote=${v.preVote} checkquorum=${v.checkQuorum} max-msg-size=${size} max-inflight=${v.maxInflightMsgs} ready=${v.readyMode} apply-lag=${v.applyLag} tempo=${v.tempo} swarm=${describeSwarm(v)}`;
}

function describeSwarm(v: ClusterVariant): string {
  return Object.entries(v.swarm)
    .map(([k, f]) => `${k}*${f}`)
    .join(',');
}
