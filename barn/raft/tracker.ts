// ProgressTracker: the active configuration (who votes, who learns), the leader's Progress per member and
// the votes of the current election. Iteration is always in sorted id order so the core's output (message
// order) is deterministic.
import { compareIds, sortedIds } from './conf-state.ts';
import type { Progress } from './progress.ts';
import { jointCommittedIndex, jointIds, jointVoteResult } from './quorum.ts';
import type { JointConfig, VoteResult } from './quorum.ts';
import type { ConfState, NodeId } from './types.ts';

export interface TrackerConfig {
  readonly voters: { readonly incoming: Set<NodeId>; readonly outgoing: Set<NodeId> };
  /** Learners: receive the log, never vote. Disjoint from both voter sets. */
  readonly learners: Set<NodeId>;
  /** Joint state only: outgoing voters that become learners when the joint state is left. */
  readonly learnersNext: Set<NodeId>;
  /** Joint state only: the leader leaves the joint state on its own once it is applied. */
  autoLeave: boolean;
}

export type ProgressMap = Map<NodeId, Progress>;

export function emptyTrackerConfig(): TrackerConfig {
  return { voters: { incoming: new Set(), outgoing: new Set() }, learners: new Set(), learnersNext: new Set(), autoLeave: false };
}

export function cloneTrackerConfig(c: TrackerConfig): TrackerConfig {
  return {
    voters: { incoming: new Set(c.voters.incoming), outgoing: new Set(c.voters.outgoing) },
    learners: new Set(c.learners),
    learnersNext: new Set(c.learnersNext),
    autoLeave: c.autoLeave,
  };
}

export function isJoint(c: TrackerConfig): boolean {
  return c.voters.outgoing.size > 0;
}

export function configToConfState(c: TrackerConfig): ConfState {
  return {
    voters: sortedIds(c.voters.incoming),
    votersOutgoing: sortedIds(c.voters.outgoing),
    learners: sortedIds(c.learners),
    learnersNext: sortedIds(c.learnersNext),
    autoLeave: c.autoLeave,
  };
}

/** `voters=(1 2 3)&&(1 2) learners=(4) learners_next=(3) autoleave` — for logs and the harness. */
export function describeConfig(c: TrackerConfig): string {
  let s = `voters=(${sortedIds(c.voters.incoming).join(' ')})`;
  if (isJoint(c)) s += `&&(${sortedIds(c.voters.outgoing).join(' ')})`;
  if (c.learners.size > 0) s += ` learners=(${sortedIds(c.learners).join(' ')})`;
  if (c.learnersNext.size > 0) s += ` learners_next=(${sortedIds(c.learnersNext).join(' ')})`;
  if (c.autoLeave) s += ' autoleave';
  return s;
}

export class ProgressTracker {
  config: TrackerConfig = emptyTrackerConfig();
  progress: ProgressMap = new Map();
  votes = new Map<NodeId, boolean>();
  private sortedIds: readonly NodeId[] = [];

  constructor(
    readonly maxInflight: number,
    readonly maxInflightBytes: number,
  ) {}

  jointConfig(): JointConfig {
    return { incoming: this.config.voters.incoming, outgoing: this.config.voters.outgoing };
  }

  confState(): ConfState {
    return configToConfState(this.config);
  }

  isSingleton(): boolean {
    return this.config.voters.incoming.size === 1 && this.config.voters.outgoing.size === 0;
  }

  /** Highest index durable on a quorum (of both halves when joint). */
  committed(): number {
    return jointCommittedIndex(this.jointConfig(), (id) => this.progress.get(id)?.match);
  }

  isVoter(id: NodeId): boolean {
    return this.config.voters.incoming.has(id) || this.config.voters.outgoing.has(id);
  }

  /** Visits every member's Progress in sorted id order. */
  visit(fn: (id: NodeId, pr: Progress) => void): void {
    for (const id of this.sortedProgressIds()) fn(id, this.progress.get(id) as Progress);
  }

  /** The ids of `progress`, sorted; kept while `progress` holds the same ids (a leader visits it for every
   * append it broadcasts, so the sort is not redone per proposal). */
  private sortedProgressIds(): readonly NodeId[] {
    const cached = this.sortedIds;
    let same = cached.length === this.progress.size;
    for (let i = 0; same && i < cached.length; i++) same = this.progress.has(cached[i] as NodeId);
    if (same) return cached;
    this.sortedIds = [...this.progress.keys()].sort(compareIds);
    return this.sortedIds;
  }

  voterIds(): NodeId[] {
    return sortedIds(jointIds(this.jointConfig()));
  }

  learnerIds(): NodeId[] {
    return sortedIds(this.config.learners);
  }

  /** Whether a quorum of voters was recently active (the leader counts itself active). */
  quorumActive(self: NodeId): boolean {
    const votes = new Map<NodeId, boolean>();
    this.visit((id, pr) => {
      if (!pr.isLearner) votes.set(id, id === self || pr.recentActive);
    });
    return jointVoteResult(this.jointConfig(), votes) === 'won';
  }

  resetVotes(): void {
    this.votes = new Map();
  }

  /** Records a vote; only the first vote of each voter counts. */
  recordVote(id: NodeId, granted: boolean): void {
    if (!this.votes.has(id)) this.votes.set(id, granted);
  }

  tallyVotes(): { granted: number; rejected: number; result: VoteResult } {
    let granted = 0;
    let rejected = 0;
    for (const id of this.voterIds()) {
      const v = this.votes.get(id);
      if (v === true) granted++;
      else if (v === false) rejected++;
    }
    return { granted, rejected, result: jointVoteResult(this.jointConfig(), this.votes) };
  }
}
