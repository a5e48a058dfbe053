// Plain data of the simulation: the actions the scheduler picks, the per-seed cluster variant, violations
// and results. Everything here is JSON-serialisable except messages carried by network actions.
import type { ConfChange, Message, NodeId } from '../raft/types.ts';

/** The safety and liveness properties the checker enforces (see README.md for their exact meaning). */
export type InvariantName =
  | 'election-safety'
  | 'log-matching'
  | 'leader-completeness'
  | 'state-machine-safety'
  | 'commit-monotonic'
  | 'durability'
  | 'read-index-safety'
  | 'liveness'
  /** The core threw RAFT_INVARIANT (it detected a broken contract itself). */
  | 'raft-invariant'
  /** Any other exception escaping the core or the node loop. */
  | 'exception';

export interface Violation {
  readonly invariant: InvariantName;
  readonly message: string;
  /** The step at which it was detected (steps of the liveness phase continue the count). */
  readonly step: number;
}

/** A message on the wire: who put it there, in which incarnation (for transport status reports). */
export interface InFlight {
  readonly seq: number;
  readonly sender: NodeId;
  readonly incarnation: number;
  readonly msg: Message;
}

/** One scheduler decision. Network actions address a message by its unique `seq`. */
export type Action =
  /** One clock tick on `nodes` (all live nodes: time passes for everyone; one node: clock skew). */
  | { readonly kind: 'tick'; readonly nodes: readonly NodeId[] }
  | { readonly kind: 'deliver'; readonly flight: InFlight }
  | { readonly kind: 'drop'; readonly flight: InFlight }
  | { readonly kind: 'duplicate'; readonly flight: InFlight }
  | { readonly kind: 'delay'; readonly flight: InFlight }
  | { readonly kind: 'propose'; readonly node: NodeId; readonly value: string }
  | { readonly kind: 'read'; readonly node: NodeId; readonly ctx: string }
  | { readonly kind: 'transfer'; readonly node: NodeId; readonly to: NodeId }
  | { readonly kind: 'ready'; readonly node: NodeId }
  | { readonly kind: 'partition'; readonly groups: readonly (readonly NodeId[])[] }
  | { readonly kind: 'heal' }
  | { readonly kind: 'crash'; readonly node: NodeId }
  | { readonly kind: 'restart'; readonly node: NodeId }
  /** Crash and immediate restart (a process restart faster than any timeout; in-flight messages survive). */
  | { readonly kind: 'bounce'; readonly node: NodeId }
  | { readonly kind: 'compact'; readonly node: NodeId; readonly index: number }
  /** Proposes a membership change at `node` (a spare node it adds is started first). */
  | { readonly kind: 'reconfigure'; readonly node: NodeId; readonly change: ConfChange };

export type ActionKind = Action['kind'];

/** Relative weights of the action kinds (0 disables a kind). `deliver` grows with the queue length. */
export type ActionWeights = Readonly<Record<ActionKind, number>>;

/**
 * How Ready is handled:
 *   eager — after every action, each touched node runs full node-loop turns until it has no Ready;
 *   lazy  — node-loop turns are scheduled actions, split in two: (ready, persist, send) then (apply,
 *           advance), so ticks and messages interleave with a half-handled Ready.
 */
export type ReadyMode = 'eager' | 'lazy';

/** The cluster variant of one seed (drawn from the seed unless overridden). */
export interface ClusterVariant {
  readonly nodes: 3 | 5;
  readonly electionTick: number;
  readonly heartbeatTick: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  readonly maxSizePerMsg: number;
  readonly maxInflightMsgs: number;
  readonly readyMode: ReadyMode;
  /** Lazy mode: the probability that a ready action passes over half-handled Readies (apply + advance)
   * for nodes with a new Ready — a slow apply loop, so a node stays longer between ready() and advance(). */
  readonly applyLag: number;
  /** Multiplier of the tick weight: high tempo fires timeouts while messages are still in flight (more
   * elections, split votes, stale leaders); low tempo lets the cluster settle. */
  readonly tempo: number;
  /** Swarm testing: per-seed multipliers of some action kinds' weights (0 switches a kind off), so seeds
   * differ in which faults dominate. */
  readonly swarm: Readonly<Partial<Record<ActionKind, number>>>;
}

/** Deliberate defects in the node loop, for testing that the simulation catches them. */
export type PlantedBug =
  /** The vote is not persisted: a restarted node may vote twice in one term. */
  | 'forget-vote-on-restart'
  /** The storage does not honour fsync: a crash loses the node's last durable entry. */
  | 'drop-tail-on-crash'
  /** Messages are sent before the Ready is persisted (persisting happens with the apply phase). */
  | 'persist-after-send';

export interface SimOptions {
  readonly nodes: 3 | 5;
  readonly steps: number;
  /** Fault preset or explicit weights (default: 'default'). */
  readonly faults?: 'none' | 'default' | 'heavy' | ActionWeights;
  /** Overrides of the seed-drawn variant. */
  readonly variant?: Partial<Omit<ClusterVariant, 'nodes'>>;
  /** Actions kept in the result's trace (default 40). */
  readonly traceLength?: number;
  /** Max rounds of the final liveness phase (default 400); 0 skips it. */
  readonly livenessRounds?: number;
  /** Receives every action and every core log line as it happens (verbose single-seed runs). */
  readonly log?: (line: string) => void;
  readonly plantedBug?: PlantedBug;
  /** Which membership changes the scheduler proposes (default 'careful', see membership.ts). */
  readonly membership?: MembershipPolicy;
}

export type MembershipPolicy = 'careful' | 'unrestricted';

export interface SimStats {
  readonly steps: number;
  readonly livenessRounds: number;
  readonly leaders: number;
  readonly maxTerm: number;
  readonly committed: number;
  readonly crashes: number;
  readonly snapshotsInstalled: number;
  readonly messagesDelivered: number;
  /** Configurations committed and applied (each counted once). */
  readonly confChanges: number;
}

export interface SimResult {
  readonly seed: number;
  readonly variant: ClusterVariant;
  readonly violation: Violation | undefined;
  /** The last actions, oldest first, as `#step action` lines. */
  readonly trace: readonly string[];
  readonly stats: SimStats;
}
