// Raft: one member's protocol state machine. Pure and synchronous: it changes only in response to tick()
// and step(m), reads the durable log through RaftStorage, and emits its effects as data (outgoing messages
// in `msgs`, read states, log changes visible through RaftLog) for the RawNode to hand out as a Ready.
//
// step() first reconciles terms (Raft §5.1: a higher term makes us a follower, a lower one is ignored or
// answered), handles votes (raft-election.ts), then dispatches by role: raft-leader.ts, raft-candidate.ts,
// raft-follower.ts.
// Fields are public for those files only; users go through RawNode.
import type { Rng } from '../../common/rng.ts';
import { validateConfig } from './config.ts';
import type { Config } from './config.ts';
import { restore as restoreConfig } from './conf-change.ts';
import { confStatesEqual } from './conf-state.ts';
import { invariant } from './errors.ts';
import type { RaftError } from './errors.ts';
import { Inflights } from './inflights.ts';
import { NOOP_LOGGER } from './logger.ts';
import type { LogLevel, RaftLogger } from './logger.ts';
import { Progress } from './progress.ts';
import { RaftLog } from './raft-log.ts';
import { stepCandidate } from './raft-candidate.ts';
import { switchToConfig } from './raft-conf.ts';
import { stepFollower } from './raft-follower.ts';
import { CAMPAIGN_TRANSFER, handleVoteRequest, hup } from './raft-election.ts';
import { bcastAppend, stepLeader } from './raft-leader.ts';
import { ReadOnly } from './read-only.ts';
import { msgName } from './describe.ts';
import { ProgressTracker } from './tracker.ts';
import { NONE, message, messageFrom } from './types.ts';
import type { Entry, HardState, Message, MessageType, NodeId, ReadState, SoftState } from './types.ts';

export type Role = SoftState['role'];

const NO_DATA = new Uint8Array(0);

export class Raft {
  readonly id: NodeId;
  term = 0;
  vote: NodeId = NONE;
  lead: NodeId = NONE;
  role: Role = 'follower';
  isLearner = false;
  readonly raftLog: RaftLog;
  readonly trk: ProgressTracker;
  /** Outgoing messages, in the order produced; drained by RawNode.ready(). */
  msgs: Message[] = [];
  readStates: ReadState[] = [];
  leadTransferee: NodeId = NONE;
  /** Index of the newest conf-change entry the leader appended; a new one waits until it is applied. */
  pendingConfIndex = 0;
  readOnly = new ReadOnly();
  /** Read-index requests that arrived before the leader committed an entry of its term. */
  pendingReadIndexMessages: Message[] = [];
  electionElapsed = 0;
  heartbeatElapsed = 0;
  randomizedElectionTimeout = 0;
  readonly electionTimeout: number;
  readonly heartbeatTimeout: number;
  readonly checkQuorum: boolean;
  readonly preVote: boolean;
  readonly disableProposalForwarding: boolean;
  readonly stepDownOnRemoval: boolean;
  readonly maxMsgSize: number;
  readonly rng: Rng;
  readonly logger: RaftLogger;

  constructor(c: Config) {
    validateConfig(c);
    this.id = c.id;
    this.electionTimeout = c.electionTick;
    this.heartbeatTimeout = c.heartbeatTick;
    this.checkQuorum = c.checkQuorum;
    this.preVote = c.preVote;
    this.disableProposalForwarding = c.disableProposalForwarding ?? false;
    this.stepDownOnRemoval = c.stepDownOnRemoval ?? true;
    this.maxMsgSize = c.maxSizePerMsg;
    this.rng = c.rng;
    this.logger = c.logger ?? NOOP_LOGGER;
    this.raftLog = new RaftLog(c.storage, c.maxCommittedSizePerReady ?? c.maxSizePerMsg);
    this.trk = new ProgressTracker(c.maxInflightMsgs, c.maxInflightBytes ?? 0);

    const { hardState, confState } = c.storage.initialState();
    const restored = restoreConfig(confState, this.raftLog.lastIndex(), c.maxInflightMsgs, c.maxInflightBytes ?? 0);
    if (!restored.ok) throw invariant(`invalid persisted configuration: ${restored.error.message}`);
    const cs = switchToConfig(this, restored.config, restored.progress);
    if (!confStatesEqual(cs, confState)) throw invariant('restored configuration differs from the persisted one');
    if (hardState.term !== 0 || hardState.vote !== NONE || hardState.commit !== 0) this.loadState(hardState);
    if (c.applied !== undefined && c.applied > 0) this.raftLog.appliedTo(c.applied);
    this.becomeFollower(this.term, NONE);
    this.log(
      'info',
      `newRaft ${this.id} [peers: [${this.trk.voterIds().join(',')}], term: ${this.term}, commit: ${this.raftLog.committed}, applied: ${this.raftLog.applied}, lastindex: ${this.raftLog.lastIndex()}, lastterm: ${this.raftLog.lastTerm()}]`,
    );
  }

  log(level: LogLevel, text: string): void {
    this.logger.log(level, text);
  }

  softState(): SoftState {
    return { lead: this.lead, role: this.role };
  }

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.raftLog.committed };
  }

  private loadState(hs: HardState): void {
    if (hs.commit > this.raftLog.lastIndex()) {
      throw invariant(`${this.id} state.commit ${hs.commit} is out of range [${this.raftLog.committed}, ${this.raftLog.lastIndex()}]`);
    }
    this.raftLog.commitTo(hs.commit);
    this.term = hs.term;
    this.vote = hs.vote;
  }

  // ---- messages -------------------------------------------------------------------------------------

  /** Queues a message from this member. Vote traffic carries an explicit term (it may be a future term);
   * proposals and read-index requests carry none (they are forwarded like local messages); everything else
   * is stamped with the current term. */
  send(partial: Partial<Message> & Pick<Message, 'type' | 'to'>): void {
    const from = partial.from === undefined || partial.from === NONE ? this.id : partial.from;
    const term = partial.term ?? 0;
    if (isVoteTraffic(partial.type)) {
      if (term === 0) throw invariant(`term should be set when sending ${partial.type}`);
      this.msgs.push(messageFrom(partial, from, term));
      return;
    }
    if (term !== 0) throw invariant(`term should not be set when sending ${partial.type} (was ${term})`);
    this.msgs.push(messageFrom(partial, from, partial.type === 'prop' || partial.type === 'read-index' ? 0 : this.term));
  }

  // ---- time -----------------------------------------------------------------------------------------

  tick(): void {
    switch (this.role) {
      case 'leader':
        this.tickHeartbeat();
        return;
      case 'follower':
      case 'candidate':
      case 'pre-candidate':
        this.tickElection();
        return;
    }
  }

  private tickElection(): void {
    this.electionElapsed++;
    if (this.promotable() && this.pastElectionTimeout()) {
      this.electionElapsed = 0;
      this.step(message({ type: 'hup', from: this.id, to: NONE }));
    }
  }

  private tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.electionTimeout) {
      this.electionElapsed = 0;
      if (this.checkQuorum) this.step(message({ type: 'check-quorum', from: this.id, to: NONE }));
      // A transfer that did not finish within an election timeout is abandoned.
      if (this.role === 'leader' && this.leadTransferee !== NONE) {
        this.log('info', `${this.id} [term ${this.term}] abort transferring leadership to ${this.leadTransferee}: not done within an election timeout`);
        this.abortLeaderTransfer();
      }
    }
    if (this.role !== 'leader') return;
    if (this.heartbeatElapsed >= this.heartbeatTimeout) {
      this.heartbeatElapsed = 0;
      this.step(message({ type: 'beat', from: this.id, to: NONE }));
    }
  }

  pastElectionTimeout(): boolean {
    return this.electionElapsed >= this.randomizedElectionTimeout;
  }

  private resetRandomizedElectionTimeout(): void {
    this.randomizedElectionTimeout = this.electionTimeout + this.rng.int(this.electionTimeout);
  }

  // ---- roles ----------------------------------------------------------------------------------------

  becomeFollower(term: number, lead: NodeId): void {
    this.reset(term);
    this.lead = lead;
    this.role = 'follower';
    this.log('info', `${this.id} became follower at term ${this.term}`);
  }

  becomeCandidate(): void {
    if (this.role === 'leader') throw invariant('invalid transition [leader -> candidate]');
    this.reset(this.term + 1);
    this.vote = this.id;
    this.role = 'candidate';
    this.log('info', `${this.id} became candidate at term ${this.term}`);
  }

  /** A pre-candidate keeps its term and vote: it only asks whether it could win. */
  becomePreCandidate(): void {
    if (this.role === 'leader') throw invariant('invalid transition [leader -> pre-candidate]');
    this.trk.resetVotes();
    this.lead = NONE;
    this.role = 'pre-candidate';
    this.log('info', `${this.id} became pre-candidate at term ${this.term}`);
  }

  becomeLeader(): void {
    if (this.role === 'follower') throw invariant('invalid transition [follower -> leader]');
    this.reset(this.term);
    this.lead = this.id;
    this.role = 'leader';
    const self = this.trk.progress.get(this.id);
    if (self !== undefined) {
      self.becomeReplicate();
      self.recentActive = true;
    }
    // Conservatively treat every entry up to here as a possible conf change: a new one waits until the
    // leader has applied its whole log.
    this.pendingConfIndex = this.raftLog.lastIndex();
    // The no-op entry of the new term: committing it commits every earlier entry (Raft §5.4.2, §8).
    if (!this.appendEntry([{ term: 0, index: 0, type: 'normal', data: NO_DATA }])) throw invariant('empty entry was dropped');
    this.log('info', `${this.id} became leader at term ${this.term}`);
  }

  private reset(term: number): void {
    if (this.term !== term) {
      this.term = term;
      this.vote = NONE;
    }
    this.lead = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.resetRandomizedElectionTimeout();
    this.abortLeaderTransfer();
    this.trk.resetVotes();
    const last = this.raftLog.lastIndex();
    this.trk.visit((id, pr) => {
      const fresh = new Progress(last + 1, new Inflights(this.trk.maxInflight, this.trk.maxInflightBytes), pr.isLearner);
      if (id === this.id) fresh.match = last;
      this.trk.progress.set(id, fresh);
    });
    this.pendingConfIndex = 0;
    this.readOnly = new ReadOnly();
    this.pendingReadIndexMessages = [];
  }

  abortLeaderTransfer(): void {
    this.leadTransferee = NONE;
  }

  /** Can this member become leader: a voter with no snapshot waiting to be persisted. */
  promotable(): boolean {
    const pr = this.trk.progress.get(this.id);
    return pr !== undefined && !pr.isLearner && !this.raftLog.hasPendingSnapshot();
  }

  // ---- log ------------------------------------------------------------------------------------------

  /** Leader: appends entries at the current term and counts them as acknowledged by itself. */
  appendEntry(es: readonly Entry[]): boolean {
    const li = this.raftLog.lastIndex();
    const stamped = es.map((e, i) => ({ ...e, term: this.term, index: li + 1 + i }));
    const last = this.raftLog.append(stamped);
    this.trk.progress.get(this.id)?.maybeUpdate(last);
    this.maybeCommit();
    return true;
  }

  /** Advances commit to the quorum's match index if that entry is of the current term. */
  maybeCommit(): boolean {
    return this.raftLog.maybeCommit(this.trk.committed(), this.term);
  }

  // ---- step -----------------------------------------------------------------------------------------

  /** Processes one message. Returns null, or a RaftError when the message was refused (e.g. a proposal
   * dropped because there is no leader). */
  step(m: Message): RaftError | null {
    if (m.term === 0) {
      // local message (or a forwarded proposal / read-index)
    } else if (m.term > this.term) {
      if (m.type === 'vote' || m.type === 'pre-vote') {
        const force = m.context === CAMPAIGN_TRANSFER;
        const inLease = this.checkQuorum && this.lead !== NONE && this.electionElapsed < this.electionTimeout;
        if (!force && inLease) {
          // Leader lease: a live leader exists, so this candidate is disruptive (e.g. it was partitioned).
          this.log(
            'info',
            `${this.id} [logterm: ${this.raftLog.lastTerm()}, index: ${this.raftLog.lastIndex()}, vote: ${this.vote || 0}] ignored ${msgName(m.type)} from ${m.from} [logterm: ${m.logTerm}, index: ${m.index}] at term ${this.term}: lease is not expired (remaining ticks: ${this.electionTimeout - this.electionElapsed})`,
          );
          return null;
        }
      }
      if (m.type === 'pre-vote' || (m.type === 'pre-vote-resp' && !m.reject)) {
        // Never change term for a pre-vote; a granted pre-vote response carries the future term.
      } else {
        this.log('info', `${this.id} [term: ${this.term}] received a ${msgName(m.type)} message with higher term from ${m.from} [term: ${m.term}]`);
        const leaderMsg = m.type === 'app' || m.type === 'heartbeat' || m.type === 'snap';
        this.becomeFollower(m.term, leaderMsg ? m.from : NONE);
      }
    } else if (m.term < this.term) {
      if ((this.checkQuorum || this.preVote) && (m.type === 'heartbeat' || m.type === 'app')) {
        // A stale leader (or a node that was partitioned and bumped its term without pre-vote) learns the
        // current term from this response and steps down.
        this.send({ type: 'app-resp', to: m.from });
      } else if (m.type === 'pre-vote') {
        this.log('info', `${this.id} [logterm: ${this.raftLog.lastTerm()}, index: ${this.raftLog.lastIndex()}, vote: ${this.vote || 0}] rejected ${msgName(m.type)} from ${m.from} [logterm: ${m.logTerm}, index: ${m.index}] at term ${this.term}`);
        this.send({ type: 'pre-vote-resp', to: m.from, term: this.term, reject: true });
      } else {
        this.log('info', `${this.id} [term: ${this.term}] ignored a ${msgName(m.type)} message with lower term from ${m.from} [term: ${m.term}]`);
      }
      return null;
    }

    switch (m.type) {
      case 'hup':
        hup(this, this.preVote ? 'pre-election' : 'election');
        return null;
      case 'vote':
      case 'pre-vote':
        handleVoteRequest(this, m);
        return null;
      default:
        return this.stepRole(m);
    }
  }

  private stepRole(m: Message): RaftError | null {
    switch (this.role) {
      case 'leader':
        return stepLeader(this, m);
      case 'candidate':
      case 'pre-candidate':
        return stepCandidate(this, m);
      case 'follower':
        return stepFollower(this, m);
    }
  }

  /** Leader after a commit advanced: followers learn the new commit index. */
  bcastAppend(): void {
    bcastAppend(this);
  }
}

function isVoteTraffic(t: MessageType): boolean {
  return t === 'vote' || t === 'vote-resp' || t === 'pre-vote' || t === 'pre-vote-resp';
}
