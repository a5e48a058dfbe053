// The simulated cluster: nodes (the initial members plus spares that membership changes may add), network
// and checkers, and the execution of one scheduler Action. After an action, eager mode drains the Ready of
// every node the action touched. The invariant scans over the whole cluster are in cluster-checks.ts.
import type { Rng } from '../../common/rng.ts';
import { NOOP_LOGGER } from '../raft/logger.ts';
import type { RaftLogger } from '../raft/logger.ts';
import type { RawNode } from '../raft/raw-node.ts';
import type { ConfState, NodeId } from '../raft/types.ts';
import { SafetyChecker } from './checker.ts';
import { checkDurability } from './cluster-checks.ts';
import { Network } from './network.ts';
import { applyAndAdvance, drainReady, persistAndSend } from './node-loop.ts';
import type { LoopEnv } from './node-loop.ts';
import { boot, compact, crash, newNode } from './sim-node.ts';
import type { SimNode } from './sim-node.ts';
import { admits } from './membership.ts';
import type { Action, ClusterVariant, InFlight, PlantedBug, ReadyMode, SimOptions } from './types.ts';

const encoder = new TextEncoder();

/** Nodes beyond the initial members that membership changes may add (ids are never reused). */
const SPARES = 2;

export interface ClusterStats {
  crashes: number;
  snapshotsInstalled: number;
  messagesDelivered: number;
  confChanges: number;
}

export class Cluster {
  readonly nodes: SimNode[];
  readonly network = new Network();
  readonly checker = new SafetyChecker();
  readonly stats: ClusterStats = { crashes: 0, snapshotsInstalled: 0, messagesDelivered: 0, confChanges: 0 };
  /** The newest configuration any node applied, with its log index: the one future quorums come from. */
  latestConf: { index: number; confState: ConfState };
  /** Every node that was ever a member of an applied configuration (never added again once removed). */
  readonly everMember: Set<NodeId>;
  readonly env: LoopEnv;
  /** Starts as the variant's mode; the liveness phase switches to eager. */
  readyMode: ReadyMode;
  private readonly logger: RaftLogger;
  private touched = new Set<NodeId>();

  private readonly plantedBug: PlantedBug | undefined;

  constructor(
    readonly variant: ClusterVariant,
    private readonly rng: Rng,
    options: Pick<SimOptions, 'plantedBug' | 'log' | 'membership'>,
  ) {
    const { plantedBug, log } = options;
    const membership = options.membership ?? 'careful';
    this.plantedBug = plantedBug;
    this.readyMode = variant.readyMode;
    const ids = Array.from({ length: variant.nodes }, (_, i) => String(i + 1));
    const spares = Array.from({ length: SPARES }, (_, i) => String(variant.nodes + i + 1));
    this.nodes = [...ids, ...spares].map((id) => newNode(id, ids));
    this.latestConf = { index: 0, confState: this.nodes[0]?.storage.storedSnapshot().metadata.confState as ConfState };
    this.everMember = new Set(ids);
    this.logger = log === undefined ? NOOP_LOGGER : { log: (level, text) => log(`    ${level} ${text}`) };
    this.env = {
      checker: this.checker,
      network: this.network,
      plantedBug,
      onSnapshotInstalled: () => {
        this.stats.snapshotsInstalled++;
      },
      onConfState: (index, confState) => this.confApplied(index, confState),
      admitConfChange: (current, cc) => admits(membership, current, cc),
    };
    for (const n of this.nodes) if (ids.includes(n.id)) this.boot(n);
  }

  private confApplied(index: number, confState: ConfState): void {
    if (index <= this.latestConf.index) return;
    this.latestConf = { index, confState };
    this.stats.confChanges++;
    for (const id of [...confState.voters, ...confState.votersOutgoing, ...confState.learners]) this.everMember.add(id);
  }

  node(id: NodeId): SimNode | undefined {
    return this.nodes.find((n) => n.id === id);
  }

  /** Executes `a`; eager mode then runs the node loop of every node it touched. */
  perform(a: Action): void {
    this.execute(a);
    if (this.readyMode === 'eager') this.drainTouched();
    this.touched.clear();
  }

  private execute(a: Action): void {
    switch (a.kind) {
      case 'tick':
        for (const id of a.nodes) this.withRaw(id, (raw) => raw.tick());
        return;
      case 'deliver':
        this.deliver(a.flight);
        return;
      case 'drop':
        if (this.network.take(a.flight.seq)) this.lost(a.flight, false);
        return;
      case 'duplicate':
        this.network.duplicate(a.flight);
        return;
      case 'delay':
        this.network.delay(a.flight);
        return;
      case 'propose':
        this.withRaw(a.node, (raw) => raw.propose(encoder.encode(a.value)));
        return;
      case 'read':
        this.checker.reads.issue(a.ctx, this.checker.committed.size());
        this.withRaw(a.node, (raw) => raw.readIndex(a.ctx));
        return;
      case 'transfer':
        this.withRaw(a.node, (raw) => raw.transferLeadership(a.to));
        return;
      case 'ready':
        this.readyTurn(a.node);
        return;
      case 'partition':
        this.network.partition(a.groups);
        return;
      case 'heal':
        this.network.heal();
        return;
      case 'crash':
        this.crash(a.node);
        return;
      case 'restart':
        this.restart(a.node);
        return;
      case 'bounce':
        this.crash(a.node);
        this.restart(a.node);
        return;
      case 'compact': {
        const n = this.node(a.node);
        if (n !== undefined) compact(n, a.index);
        return;
      }
      case 'reconfigure':
        for (const c of a.change.changes) if (c.type !== 'remove-node') this.join(c.nodeId);
        this.withRaw(a.node, (raw) => raw.proposeConfChange(a.change));
        return;
    }
  }

  /** Starts a spare node (the operator starts a new member when adding it). */
  private join(id: NodeId): void {
    const n = this.node(id);
    if (n === undefined || n.joined) return;
    this.boot(n);
    this.touched.add(id);
  }

  private withRaw(id: NodeId, fn: (raw: RawNode) => unknown): void {
    const raw = this.node(id)?.raw;
    if (raw === undefined) return;
    fn(raw);
    this.touched.add(id);
  }

  private deliver(f: InFlight): void {
    if (!this.network.take(f.seq)) return;
    const to = this.node(f.msg.to);
    if (to?.raw === undefined || this.network.cut(f.sender, f.msg.to)) {
      this.lost(f, true);
      return;
    }
    to.raw.step(f.msg); // refusals (RaftError data) are normal: e.g. a forwarded proposal without leader
    this.touched.add(to.id);
    this.stats.messagesDelivered++;
    if (f.msg.type === 'snap') this.report(f, (raw) => raw.reportSnapshot(f.msg.to, true));
  }

  /** The transport tells the sender (same incarnation only) about a lost snapshot, and about a message that
   * could not reach its peer at all (`unreachable`, for partitions and crashed peers). */
  private lost(f: InFlight, unreachable: boolean): void {
    if (f.msg.type === 'snap') this.report(f, (raw) => raw.reportSnapshot(f.msg.to, false));
    else if (unreachable) this.report(f, (raw) => raw.reportUnreachable(f.msg.to));
  }

  private report(f: InFlight, fn: (raw: RawNode) => void): void {
    const sender = this.node(f.sender);
    if (sender?.raw === undefined || sender.incarnation !== f.incarnation) return;
    fn(sender.raw);
    this.touched.add(sender.id);
  }

  private readyTurn(id: NodeId): void {
    const n = this.node(id);
    if (n?.raw === undefined) return;
    if (n.pending !== undefined) applyAndAdvance(this.env, n);
    else if (n.raw.hasReady()) persistAndSend(this.env, n);
  }

  private crash(id: NodeId): void {
    const n = this.node(id);
    if (n?.raw === undefined) return;
    crash(n, this.plantedBug === 'drop-tail-on-crash');
    this.stats.crashes++;
    checkDurability(this);
  }

  restart(id: NodeId): void {
    const n = this.node(id);
    if (n === undefined || n.raw !== undefined || !n.joined) return;
    this.boot(n);
    this.touched.add(id);
  }

  private boot(n: SimNode): void {
    boot(n, this.variant, this.rng.int(0x7fffffff), this.checker, this.logger);
  }

  drainTouched(): void {
    for (const n of this.nodes) if (this.touched.has(n.id)) drainReady(this.env, n);
  }

  /** Lazy mode → eager: finishes every half-handled Ready and drains every node. */
  drainAll(): void {
    for (const n of this.nodes) {
      if (n.raw === undefined) continue;
      if (n.pending !== undefined) applyAndAdvance(this.env, n);
      drainReady(this.env, n);
    }
  }
}
