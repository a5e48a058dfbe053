// The liveness check that ends every run: faults stop, partitions heal, every crashed node restarts (removed
// ones too: one may be the vote a member still needs to learn of its removal), and the cluster runs in
// rounds (every node ticks once, then every queued message is delivered in order). Within `maxRounds` a
// leader must emerge and a final proposal must be applied by every member of the newest configuration; the
// proposal is re-proposed (to the current leader) if it was lost in a leadership change.
import { isMember } from '../raft/conf-state.ts';
import type { Cluster } from './cluster.ts';
import { checkStep } from './cluster-checks.ts';
import { drainReady } from './node-loop.ts';
import type { SimNode } from './sim-node.ts';
import { violated } from './violation.ts';

const FINAL_VALUE = 'final';
/** Most deliveries per round (a round that does not go quiet by then is a message storm). */
const MAX_DELIVERIES_PER_ROUND = 20_000;

/** Returns the number of rounds it took; throws liveness after `maxRounds`. `onRound` sees each round
 * number before it runs (for step numbering). */
export function runLiveness(c: Cluster, maxRounds: number, onRound: (round: number) => void): number {
  c.readyMode = 'eager';
  c.network.heal();
  for (const n of c.nodes) c.restart(n.id);
  c.drainAll();
  const encoded = new TextEncoder().encode(FINAL_VALUE);
  const reproposeEvery = 4 * c.variant.electionTick;
  let proposedAt = -reproposeEvery;
  for (let round = 1; round <= maxRounds; round++) {
    onRound(round);
    for (const n of c.nodes) {
      n.raw?.tick();
      drainReady(c.env, n);
    }
    deliverAll(c);
    checkStep(c);
    if (members(c).every(hasApplied)) return round;
    const leader = currentLeader(c);
    if (leader !== undefined && round - proposedAt >= reproposeEvery && !c.nodes.some(hasApplied)) {
      leader.raw?.propose(encoded);
      drainReady(c.env, leader);
      proposedAt = round;
    }
  }
  return violated('liveness', `after ${maxRounds} rounds without faults ${describeStuck(c)}`);
}

function members(c: Cluster): SimNode[] {
  return c.nodes.filter((n) => isMember(c.latestConf.confState, n.id));
}

function deliverAll(c: Cluster): void {
  for (let i = 0; c.network.length > 0; i++) {
    if (i >= MAX_DELIVERIES_PER_ROUND) violated('liveness', `message storm: more than ${MAX_DELIVERIES_PER_ROUND} messages in one round`);
    const f = c.network.at(0);
    if (f !== undefined) c.perform({ kind: 'deliver', flight: f });
  }
}

function hasApplied(n: SimNode): boolean {
  for (let i = n.sm.length - 1; i >= 0; i--) if (n.sm[i]?.value === FINAL_VALUE) return true;
  return false;
}

function currentLeader(c: Cluster): SimNode | undefined {
  let best: SimNode | undefined;
  for (const n of c.nodes) {
    const r = n.raw?.raft;
    if (r?.role === 'leader' && (best === undefined || r.term > (best.raw?.raft.term ?? 0))) best = n;
  }
  return best;
}

function describeStuck(c: Cluster): string {
  const leader = currentLeader(c);
  const head = leader === undefined ? 'no leader' : `leader ${leader.id} but the final proposal is not applied everywhere`;
  const states = members(c).map((n) => {
    const r = n.raw?.raft;
    if (r === undefined) return `${n.id}: down`;
    return `${n.id}: ${r.role} term=${r.term} lead=${r.lead || '-'} commit=${r.raftLog.committed} applied=${n.sm.length} last=${r.raftLog.lastIndex()} final=${hasApplied(n)}`;
  });
  return `${head}; ${states.join('; ')}; newest config at ${c.latestConf.index}: voters=(${c.latestConf.confState.voters.join(' ')})`;
}
