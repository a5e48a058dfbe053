// Config of one Raft member. Time is counted in ticks (the node loop calls tick() at a fixed interval);
// randomness comes from the injected Rng (election timeouts), so a member is a deterministic function of its
// config, its storage and the calls made on it.
import { RuninkError } from '../../common/error.ts';
import type { Rng } from '../../common/rng.ts';
import type { RaftLogger } from './logger.ts';
import type { RaftStorage } from './storage.ts';
import type { NodeId } from './types.ts';

export interface Config {
  readonly id: NodeId;
  /** Ticks without hearing from a leader before campaigning; the actual timeout is random in [e, 2e). */
  readonly electionTick: number;
  /** Ticks between leader heartbeats; must be < electionTick. */
  readonly heartbeatTick: number;
  readonly storage: RaftStorage;
  /** Last index applied to the state machine before this start (entries up to it are not redelivered). */
  readonly applied?: number;
  /** Max payload bytes per append message (at least one entry is always sent). */
  readonly maxSizePerMsg: number;
  /** Max payload bytes of committed entries per Ready (defaults to maxSizePerMsg). */
  readonly maxCommittedSizePerReady?: number;
  /** Max append messages in flight to one follower in replicate state. */
  readonly maxInflightMsgs: number;
  /** Max payload bytes in flight to one follower (0 = unlimited). */
  readonly maxInflightBytes?: number;
  /** Leader steps down without a quorum of active followers within an election timeout; followers with a
   * live leader ignore vote requests (leader lease). */
  readonly checkQuorum: boolean;
  /** Pre-vote round before campaigning, so a partitioned node rejoining does not disrupt the term. */
  readonly preVote: boolean;
  /** Followers drop proposals instead of forwarding them to the leader. */
  readonly disableProposalForwarding?: boolean;
  /** A leader removed (or demoted) by a configuration change steps down (default true). */
  readonly stepDownOnRemoval?: boolean;
  readonly rng: Rng;
  readonly logger?: RaftLogger;
}

export function validateConfig(c: Config): void {
  const bad = (message: string): never => {
    throw new RuninkError('RAFT_INVALID_CONFIG', message, { id: c.id });
  };
  if (c.id === '') bad('cannot use an empty id');
  if (!(c.heartbeatTick > 0)) bad('heartbeat tick must be greater than 0');
  if (!(c.electionTick > c.heartbeatTick)) bad('election tick must be greater than heartbeat tick');
  if (!(c.maxInflightMsgs > 0)) bad('max inflight messages must be greater than 0');
  if (!(c.maxSizePerMsg >= 0)) bad('max size per message must not be negative');
}
