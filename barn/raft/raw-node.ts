// RawNode: the application's handle on one Raft member (after etcd-io/raft's RawNode). Synchronous and
// pure; the node loop drives it:
//
//   loop:
//     on timer        → tick()
//     on network msg  → step(m)
//     on client call  → propose / proposeConfChange / readIndex / transferLeadership
//     if hasReady():
//       rd = ready()
//       1. persist rd.snapshot, rd.entries, rd.hardState (one durable write)
//       2. send rd.messages (only now: they may promise what step 1 made durable, e.g. a vote)
//       3. apply rd.snapshot, then rd.committedEntries (conf changes through applyConfChange)
//       4. advance()
//
// Between ready() and advance() the node may still be stepped; whatever that produces comes in the next
// Ready. Calling ready() again before advance() is an invariant violation.
import { decodeConfChange, encodeConfChange } from './conf-change-codec.ts';
import type { Config } from './config.ts';
import { invariant, raftError } from './errors.ts';
import type { RaftError } from './errors.ts';
import { applyConfChange as applyConf } from './raft-conf.ts';
import { Raft } from './raft.ts';
import { describeConfig } from './tracker.ts';
import { EMPTY_HARD_STATE, NONE, message } from './types.ts';
import type { ConfChange, ConfState, HardState, Message, MessageType, NodeId, Ready, SoftState } from './types.ts';
import type { ProgressState } from './progress.ts';

export interface ProgressStatus {
  readonly match: number;
  readonly next: number;
  readonly state: ProgressState;
  readonly isLearner: boolean;
  readonly paused: boolean;
  readonly recentActive: boolean;
  readonly inflight: number;
  readonly text: string;
}

export interface Status {
  readonly id: NodeId;
  readonly hardState: HardState;
  readonly softState: SoftState;
  readonly applied: number;
  readonly leadTransferee: NodeId;
  readonly confState: ConfState;
  /** `voters=(1 2 3) learners=(4)` */
  readonly config: string;
  /** Leader only: the replication state of every member, in id order. */
  readonly progress: ReadonlyMap<NodeId, ProgressStatus>;
}

const LOCAL_ONLY: ReadonlySet<MessageType> = new Set<MessageType>(['hup', 'beat', 'unreachable', 'snap-status', 'check-quorum']);
const RESPONSES: ReadonlySet<MessageType> = new Set<MessageType>(['app-resp', 'vote-resp', 'heartbeat-resp', 'unreachable', 'pre-vote-resp']);

export class RawNode {
  /** The core; exposed for tests and the harness. */
  readonly raft: Raft;
  private prevSoftState: SoftState;
  private prevHardState: HardState;
  private pending: Ready | undefined = undefined;
  /** The refusal of the last applyConfChange, if it was refused. */
  lastConfChangeError: RaftError | undefined = undefined;

  constructor(config: Config) {
    this.raft = new Raft(config);
    this.prevSoftState = this.raft.softState();
    this.prevHardState = this.raft.hardState();
  }

  tick(): void {
    this.raft.tick();
  }

  /** Starts an election now (pre-vote first when enabled). */
  campaign(): RaftError | null {
    return this.raft.step(message({ type: 'hup', from: this.raft.id, to: NONE }));
  }

  propose(data: Uint8Array): RaftError | null {
    return this.raft.step(message({ type: 'prop', from: this.raft.id, to: NONE, entries: [{ term: 0, index: 0, type: 'normal', data }] }));
  }

  proposeConfChange(cc: ConfChange): RaftError | null {
    const entry = { term: 0, index: 0, type: 'conf-change' as const, data: encodeConfChange(cc) };
    return this.raft.step(message({ type: 'prop', from: this.raft.id, to: NONE, entries: [entry] }));
  }

  /** A message from a peer. Local message types and responses from unknown peers are refused. */
  step(m: Message): RaftError | null {
    if (LOCAL_ONLY.has(m.type)) return raftError('RAFT_STEP_LOCAL_MSG', `raft: cannot step raft local message ${m.type}`);
    if (this.raft.trk.progress.has(m.from) || !RESPONSES.has(m.type)) return this.raft.step(m);
    return raftError('RAFT_STEP_PEER_NOT_FOUND', `raft: cannot step as peer ${m.from} not found`);
  }

  /** Linearizable read: a ReadState with `ctx` appears in a later Ready once the index is confirmed. Reads
   * are safe once the state machine has applied that index. */
  readIndex(ctx: string): void {
    this.raft.step(message({ type: 'read-index', from: NONE, to: NONE, context: ctx }));
  }

  /** Asks the leader to hand over to `to` (forwarded when called on a follower). */
  transferLeadership(to: NodeId): void {
    this.raft.step(message({ type: 'transfer-leader', from: to, to: NONE }));
  }

  reportUnreachable(id: NodeId): void {
    this.raft.step(message({ type: 'unreachable', from: id, to: NONE }));
  }

  reportSnapshot(id: NodeId, ok: boolean): void {
    this.raft.step(message({ type: 'snap-status', from: id, to: NONE, reject: !ok }));
  }

  /** Applies a committed conf-change entry's change; returns the resulting configuration. An invalid change
   * leaves the configuration as it was (see lastConfChangeError). */
  applyConfChange(cc: ConfChange): ConfState {
    const { confState, error } = applyConf(this.raft, cc);
    this.lastConfChangeError = error;
    return confState;
  }

  /** Decodes the ConfChange of a conf-change entry (for the application's apply loop). */
  static confChangeOf(data: Uint8Array): ConfChange {
    return decodeConfChange(data);
  }

  hasReady(): boolean {
    const r = this.raft;
    if (!softStateEqual(r.softState(), this.prevSoftState)) return true;
    const hs = r.hardState();
    if (!isEmptyHardState(hs) && !hardStateEqual(hs, this.prevHardState)) return true;
    if (r.raftLog.hasPendingSnapshot()) return true;
    if (r.raftLog.unstableEntries().length > 0 || r.raftLog.hasNextCommittedEntries()) return true;
    return r.msgs.length > 0 || r.readStates.length > 0;
  }

  ready(): Ready {
    if (this.pending !== undefined) throw invariant('ready() called again before advance()');
    const r = this.raft;
    const soft = r.softState();
    const hard = r.hardState();
    const rd: { -readonly [K in keyof Ready]: Ready[K] } = {
      readStates: r.readStates,
      entries: [...r.raftLog.unstableEntries()],
      committedEntries: r.raftLog.nextCommittedEntries(),
      messages: r.msgs,
    };
    if (!softStateEqual(soft, this.prevSoftState)) rd.softState = soft;
    if (!isEmptyHardState(hard) && !hardStateEqual(hard, this.prevHardState)) rd.hardState = hard;
    const snap = r.raftLog.unstable.snapshot;
    if (snap !== undefined) rd.snapshot = snap;
    r.msgs = [];
    r.readStates = [];
    this.pending = rd;
    return rd;
  }

  /** The last Ready was handled (persisted, sent, applied). */
  advance(): void {
    const rd = this.pending;
    if (rd === undefined) throw invariant('advance() called without a pending ready()');
    this.pending = undefined;
    const r = this.raft;
    if (rd.softState !== undefined) this.prevSoftState = rd.softState;
    if (rd.hardState !== undefined) this.prevHardState = rd.hardState;
    const lastCommitted = rd.committedEntries[rd.committedEntries.length - 1];
    const newApplied = lastCommitted?.index ?? rd.snapshot?.metadata.index ?? 0;
    if (newApplied > 0) {
      const oldApplied = r.raftLog.applied;
      r.raftLog.appliedTo(newApplied);
      maybeAutoLeave(r, oldApplied, newApplied);
    }
    const lastEntry = rd.entries[rd.entries.length - 1];
    if (lastEntry !== undefined) r.raftLog.stableTo(lastEntry.index, lastEntry.term);
    if (rd.snapshot !== undefined) r.raftLog.stableSnapTo(rd.snapshot.metadata.index);
  }

  status(): Status {
    const r = this.raft;
    const progress = new Map<NodeId, ProgressStatus>();
    if (r.role === 'leader') {
      r.trk.visit((id, pr) => {
        progress.set(id, {
          match: pr.match,
          next: pr.next,
          state: pr.state,
          isLearner: pr.isLearner,
          paused: pr.isPaused(),
          recentActive: pr.recentActive,
          inflight: pr.inflights.count(),
          text: pr.describe(),
        });
      });
    }
    return {
      id: r.id,
      hardState: r.hardState(),
      softState: r.softState(),
      applied: r.raftLog.applied,
      leadTransferee: r.leadTransferee,
      confState: r.trk.confState(),
      config: describeConfig(r.trk.config),
      progress,
    };
  }
}

/** A leader in an auto-leave joint configuration proposes the leave as soon as it applied the joint entry. */
function maybeAutoLeave(r: Raft, oldApplied: number, newApplied: number): void {
  const c = r.trk.config;
  if (!c.autoLeave || r.role !== 'leader') return;
  if (!(oldApplied <= r.pendingConfIndex && newApplied >= r.pendingConfIndex)) return;
  r.log('info', `${r.id} initiating automatic transition out of joint configuration ${describeConfig(c)}`);
  // Empty data decodes to the "leave joint" change; it is never refused.
  r.appendEntry([{ term: 0, index: 0, type: 'conf-change', data: new Uint8Array(0) }]);
  r.pendingConfIndex = r.raftLog.lastIndex();
  r.bcastAppend();
}

function softStateEqual(a: SoftState, b: SoftState): boolean {
  return a.lead === b.lead && a.role === b.role;
}

function hardStateEqual(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

function isEmptyHardState(hs: HardState): boolean {
  return hardStateEqual(hs, EMPTY_HARD_STATE);
}
