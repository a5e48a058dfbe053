// The seeded scheduler: each step picks one applicable action kind by weight, then its parameters (node,
// message, value) from the same RNG. Given the seed, the whole run — and so its trace — is reproducible.
import type { Rng } from '../../common/rng.ts';
import { NONE } from '../raft/types.ts';
import type { NodeId } from '../raft/types.ts';
import type { RawNode } from '../raft/raw-node.ts';
import type { Cluster } from './cluster.ts';
import { chooseConfChange } from './membership.ts';
import { compactLimit } from './sim-node.ts';
import type { SimNode } from './sim-node.ts';
import type { Action, ActionKind, ActionWeights, InFlight, MembershipPolicy } from './types.ts';

/** Past this many queued messages, no more duplicates are made (the queue must drain). */
const MAX_QUEUE_FOR_DUPLICATES = 200;
/** Probability that delivery takes the oldest message rather than a random one. */
const IN_ORDER = 0.75;
/** Queue length at which ticks become half as likely. */
const TICK_QUEUE = 8;
/** Probability that a tick advances every live node's clock rather than one node's. */
const ALL_TICK = 0.5;
/** Probability that a proposal, crash or partition targets a current leader (leader churn with
 * uncommitted entries is where Raft's subtle cases live: paper Figures 7 and 8). */
const AT_LEADER = 0.5;

function midElection(n: SimNode): boolean {
  const r = n.raw?.raft;
  return r !== undefined && r.role !== 'leader' && r.vote !== NONE && r.lead === NONE;
}

interface Candidates {
  readonly up: SimNode[];
  readonly down: SimNode[];
  readonly readyNodes: SimNode[];
  readonly compactable: SimNode[];
  readonly leaders: SimNode[];
}

export class Scheduler {
  private proposals = 0;
  private reads = 0;

  constructor(
    private readonly rng: Rng,
    private readonly weights: ActionWeights,
    private readonly membership: MembershipPolicy,
  ) {}

  next(c: Cluster): Action {
    const up = c.nodes.filter((n) => n.raw !== undefined);
    const down = c.nodes.filter((n) => n.raw === undefined && n.joined);
    const readyNodes = c.readyMode === 'lazy' ? up.filter((n) => n.pending !== undefined || n.raw?.hasReady() === true) : [];
    const compactable = up.filter((n) => compactLimit(n) > n.storage.firstIndex() - 1);
    const q = c.network.length;
    const w = this.weights;
    const options: [ActionKind, number][] = [
      // Time slows down while many messages are in flight: usually the network is faster than the
      // election timeout, which is what lets elections finish (delays and losses are separate faults).
      ['tick', up.length > 0 ? (w.tick * c.variant.tempo * TICK_QUEUE) / (TICK_QUEUE + q) : 0],
      ['deliver', q > 0 ? w.deliver * (1 + q / 16) : 0],
      ['drop', q > 0 ? w.drop : 0],
      ['duplicate', q > 0 && q < MAX_QUEUE_FOR_DUPLICATES ? w.duplicate : 0],
      ['delay', q > 1 ? w.delay : 0],
      ['propose', up.length > 0 ? w.propose : 0],
      ['read', up.length > 0 ? w.read : 0],
      ['transfer', up.length > 0 ? w.transfer : 0],
      ['ready', readyNodes.length > 0 ? w.ready : 0],
      ['partition', w.partition],
      ['heal', c.network.isPartitioned() ? w.heal : 0],
      ['crash', up.length > 0 ? w.crash : 0],
      ['restart', down.length > 0 ? w.restart : 0],
      ['bounce', up.length > 0 ? w.bounce : 0],
      ['compact', compactable.length > 0 ? w.compact : 0],
      ['reconfigure', up.length > 0 ? w.reconfigure : 0],
    ];
    const kind = this.weighted(options);
    const leaders = up.filter((n) => n.raw?.raft.role === 'leader');
    return this.build(kind, c, { up, down, readyNodes, compactable, leaders });
  }

  private build(kind: ActionKind, c: Cluster, s: Candidates): Action {
    switch (kind) {
      case 'tick':
        return { kind, nodes: this.rng.next() < ALL_TICK ? s.up.map((n) => n.id) : [this.pick(s.up).id] };
      case 'deliver':
        return { kind, flight: this.rng.next() < IN_ORDER ? (c.network.at(0) as InFlight) : this.anyMessage(c) };
      case 'drop':
      case 'duplicate':
      case 'delay':
        return { kind, flight: this.anyMessage(c) };
      case 'propose':
        return { kind, node: this.target(s).id, value: `v${++this.proposals}` };
      case 'read':
        return { kind, node: this.pick(s.up).id, ctx: `r${++this.reads}` };
      case 'transfer':
        return { kind, node: this.pick(s.up).id, to: this.pick(c.nodes).id };
      case 'ready':
        return { kind, node: this.readyTarget(s.readyNodes, c.variant.applyLag).id };
      case 'partition':
        return { kind, groups: this.split(c.nodes.filter((n) => n.joined).map((n) => n.id), s.leaders[0]?.id) };
      case 'heal':
        return { kind };
      case 'crash':
      case 'bounce':
        return { kind, node: this.crashTarget(s).id };
      case 'restart':
        return { kind, node: this.pick(s.down).id };
      case 'reconfigure': {
        const n = this.target(s);
        const addable = c.nodes.filter((x) => !c.everMember.has(x.id)).map((x) => x.id);
        return { kind, node: n.id, change: chooseConfChange(this.rng, (n.raw as RawNode).raft.trk.confState(), addable, this.membership) };
      }
      case 'compact': {
        const n = this.pick(s.compactable);
        const lo = n.storage.firstIndex() - 1;
        return { kind, node: n.id, index: lo + 1 + this.rng.int(compactLimit(n) - lo) };
      }
    }
  }

  /** A node to run half a node-loop turn; with probability `lag` one starting a new Ready when there is
   * one, so half-handled Readies wait (a slow apply loop). */
  private readyTarget(nodes: readonly SimNode[], lag: number): SimNode {
    const fresh = nodes.filter((n) => n.pending === undefined);
    return fresh.length > 0 && this.rng.next() < lag ? this.pick(fresh) : this.pick(nodes);
  }

  /** A live node, often a leader. */
  private target(s: Candidates): SimNode {
    return s.leaders.length > 0 && this.rng.next() < AT_LEADER ? this.pick(s.leaders) : this.pick(s.up);
  }

  /** A live node, often one at a delicate moment: leading, between persisting and applying a Ready, or
   * in the middle of an election (it voted in its term but knows no leader). */
  private crashTarget(s: Candidates): SimNode {
    const x = this.rng.next();
    const delicate = x < 0.4 ? s.leaders : x < 0.6 ? s.up.filter((n) => n.pending !== undefined) : x < 0.8 ? s.up.filter(midElection) : [];
    return delicate.length > 0 ? this.pick(delicate) : this.pick(s.up);
  }

  /** A random split of the started nodes into two non-empty groups (nodes started later reach only each
   * other until the next heal); often the leader goes to the minority side. */
  private split(ids: readonly NodeId[], leader: NodeId | undefined): NodeId[][] {
    if (leader !== undefined && this.rng.next() < AT_LEADER) return this.isolate(ids, leader);
    const side = ids.map(() => this.rng.int(2));
    if (side.every((x) => x === side[0])) side[this.rng.int(ids.length)] = 1 - (side[0] as number);
    return [ids.filter((_, i) => side[i] === 0), ids.filter((_, i) => side[i] === 1)];
  }

  /** `leader` alone, or with one companion when at least five nodes run, against the rest. */
  private isolate(ids: readonly NodeId[], leader: NodeId): NodeId[][] {
    const others = ids.filter((id) => id !== leader);
    const minority = [leader];
    if (ids.length >= 5 && this.rng.int(2) === 1) minority.push(others.splice(this.rng.int(others.length), 1)[0] as NodeId);
    return [minority, others];
  }

  private anyMessage(c: Cluster): InFlight {
    return c.network.at(this.rng.int(c.network.length)) as InFlight;
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[this.rng.int(xs.length)] as T;
  }

  private weighted(options: readonly [ActionKind, number][]): ActionKind {
    const total = options.reduce((sum, [, w]) => sum + w, 0);
    if (total === 0) return 'heal'; // nothing applicable: a no-op step
    let x = this.rng.next() * total;
    for (const [kind, w] of options) {
      if (x < w) return kind;
      x -= w;
    }
    return 'heal'; // unreachable unless rounding: a no-op step
  }
}
