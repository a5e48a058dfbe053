// BarnNode: one member of a Barn cluster. It owns the Raft core (RawNode), the store (WAL + LMDB env), the
// watch hub and the peer transport, and runs the Ready loop:
//
//   tick / message / proposal / read  →  schedule()  →  processReady():
//     1. prepare: append the Ready's entries, hard state and snapshot to the write-ahead log; flush it when
//        Raft needs it (entries, snapshot, new term or vote) — one fdatasync for every proposal that arrived
//        since the last Ready (group commit);
//     2. send the other messages (votes, acks: only once what they promise is durable in the log);
//     3. commit: the same batch AND the effects of the committed entries with the applied index, applied in
//        memory and written to the LMDB env in one transaction every WRITE_BACK_MS (store write-back: the WAL
//        has the entries; after a crash the env is exact as of its applied index and Raft applies the rest);
//     4. notify watchers and resolve the callers waiting on those entries; serve reads whose read index is
//        applied; advance().
//
// Level-triggered: processReady loops while the core has work. One Ready at a time: a member without peers
// flushes a large Ready on libuv's pool (`writing`), and meanwhile keeps stepping messages, proposals and ticks
// (RawNode allows it; they come in the next Ready) and takes no other Ready. Every other flush runs on the loop
// (flushOnLoop).
//
// Refinements: a leader sends its appends and heartbeats BEFORE step 1 (splitMessages), so its own flush
// overlaps the followers' (Raft thesis §10.2.1) — unless they would announce a term, vote or commit not yet on
// disk (early-send.ts); and a follower nobody waits on defers applying to the next tick (deferred-apply.ts), so
// learning the commit index costs it no write and its appends go to the write-ahead log alone.
import { RuninkError } from '../../common/error.ts';
import { seededRng, seedOf } from '../../common/rng.ts';
import { RawNode } from '../raft/raw-node.ts';
import { applyCommitted, recoverStateMachine, type Applied } from './apply-committed.ts';
import { applyConfChangeEntry, confContext } from './apply-conf-change.ts';
import { CommitNotices } from './commit-notices.ts';
import { coveringCommit, DeferredApply } from './deferred-apply.ts';
import { handOffLeadership } from './hand-off.ts';
import { Housekeeper } from './housekeeper.ts';
import { leaderMaySendEarly, splitMessages } from './early-send.ts';
import { Waiters } from './waiters.ts';
import { earlyWriteBack, WaitingPeak, writeBackLimit } from './write-back-limit.ts';
import type { ConfChange, Entry, Message, NodeId, Ready } from '../raft/types.ts';
import type { KvEvent, KvReader } from '../state/backend.ts';
import type { ApplyResult } from '../state/apply.ts';
import { encodeCommand, type Command } from '../state/commands.ts';
import { reservedKeyError } from '../state/reserved-keys.ts';
import { validateCommand } from '../state/validate-command.ts';
import { WatchHub, type WatchClose, type WatchSend, type WatchStart } from '../state/watch-hub.ts';
import type { LmdbKvWriter } from '../storage/lmdb-kv.ts';
import { openStore, type LmdbStore, type PreparedWrite } from '../storage/lmdb-store.ts';
import { PeerTransport } from '../transport/peer-transport.ts';
import { DEFAULT_TIMING, type BarnNodeOptions } from './barn-node-options.ts';
import { newRequestId, wrap } from './envelope.ts';
import { MemberBook } from './member-book.ts';
import { NodeMetrics, type NodeGauges } from './metrics.ts';
import { ReadBatches } from './read-batches.ts';
import type { BarnService, MemberInfo, NodeStatus } from './service.ts';

export { DEFAULT_TIMING, type BarnNodeOptions } from './barn-node-options.ts';

const NOTHING_APPLIED: Applied = { events: [], done: [] };

/** See flushOnLoop. */
const SMALL_READY_ENTRIES = 2;
/** How often what was applied in memory goes to the env (LmdbStore write-back; etcd's backend batch interval). */
const WRITE_BACK_MS = 100;

export class BarnNode implements BarnService {
  readonly id: NodeId;
  readonly metrics = new NodeMetrics();
  private readonly store: LmdbStore;
  private readonly raw: RawNode;
  private readonly hub: WatchHub;
  private readonly transport: PeerTransport;
  private readonly book: MemberBook;
  private readonly waiters: Waiters;
  private readonly confWaiters: Waiters;
  private readonly reads: ReadBatches;
  private scheduled = false;
  /** How many writes waited on this node recently (write-back-limit.ts). */
  private readonly waiting = new WaitingPeak();
  private ticker: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly housekeeper: Housekeeper;
  /** A leader's commit-only appends held for followers nobody waits on (commit-notices.ts). */
  private readonly notices = new CommitNotices();
  /** Committed entries this node has not applied yet (a follower defers them). */
  private readonly deferred = new DeferredApply();
  /** A Ready's WAL flush is in flight: no other Ready is taken until it completes (flushThenFinish). */
  private writing = false;
  /** The gauges as they were when the node stopped (its store is closed after that). */
  private finalGauges: NodeGauges | undefined;
  private flushed: Promise<void> = Promise.resolve();

  constructor(private readonly options: BarnNodeOptions) {
    this.id = options.id;
    const first = options.join ? [] : options.initialMembers;
    const voters = first.filter((m) => m.role === 'voter').map((m) => m.id).sort();
    const learners = first.filter((m) => m.role === 'learner').map((m) => m.id).sort();
    this.store = openStore(options.dataDir, {
      clusterId: options.clusterId,
      nodeId: options.id,
      ...(options.noSync ? { noSync: true } : {}),
      writeBack: true,
      writeBackLimit: () => writeBackLimit(this.raw.raft.trk.progress.size, this.waiting.recent),
      initialConfState: { voters, learners, votersOutgoing: [], learnersNext: [], autoLeave: false },
    });
    recoverStateMachine(this.store);
    this.book = new MemberBook(this.store.kv, options.initialMembers);
    this.hub = new WatchHub(this.store.kv);
    this.housekeeper = new Housekeeper({
      store: this.store,
      isLeader: () => this.raw.raft.role === 'leader',
      propose: (command) => void this.write(command).catch(() => undefined),
      wake: () => this.schedule(),
      fail: (err) => fatal('writing a snapshot failed', err),
    }, options);
    this.reads = new ReadBatches(options.id, options.requestTimeoutMs ?? 5000);
    const timedOut = (): void => this.metrics.proposalsTimedOut.inc();
    this.waiters = new Waiters(options.requestTimeoutMs ?? 5000, timedOut);
    this.confWaiters = new Waiters(options.requestTimeoutMs ?? 5000, timedOut);
    this.raw = new RawNode({
      id: options.id,
      electionTick: options.electionTicks ?? DEFAULT_TIMING.electionTicks,
      heartbeatTick: options.heartbeatTicks ?? DEFAULT_TIMING.heartbeatTicks,
      storage: this.store,
      applied: this.store.kv.appliedIndex(),
      maxSizePerMsg: 1024 * 1024,
      maxInflightMsgs: 256,
      checkQuorum: true,
      preVote: true,
      rng: seededRng(seedOf(options.id) ^ (Date.now() & 0xffffffff)),
    });
    this.transport = new PeerTransport({
      selfId: options.id,
      clusterId: options.clusterId,
      clusterToken: options.clusterToken,
      onUnreachable: (peer) => {
        this.raw.reportUnreachable(peer);
        this.schedule();
      },
      onSnapshotStatus: (peer, ok) => {
        this.raw.reportSnapshot(peer, ok);
        this.schedule();
      },
    });
    this.transport.setPeers(this.book.urls());
    this.metrics.readFrom(() => this.finalGauges ?? this.gauges());
  }

  /** Starts ticking. A single-member cluster elects itself at once. */
  start(): void {
    const tickMs = this.options.tickMs ?? DEFAULT_TIMING.tickMs;
    const writeBackTicks = Math.max(1, Math.round(WRITE_BACK_MS / tickMs));
    let ticks = 0;
    this.ticker = setInterval(() => {
      this.raw.tick();
      this.deferred.tick();
      this.transport.send(this.notices.tick(this.raw.raft.role === 'leader'));
      const early = earlyWriteBack(this.store.kv.overlaySize, this.waiting.recent);
      this.waiting.tick(this.waiters.size);
      if (++ticks % writeBackTicks === 0 || early) this.housekeeper.writeBackTick(); // throws only when the env fails: fatal
      this.schedule();
    }, tickMs);
    const cs = this.raw.status().confState;
    if (cs.voters.length === 1 && cs.voters[0] === this.id) this.raw.campaign();
    this.schedule();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.finalGauges = this.gauges();
    if (this.ticker) clearInterval(this.ticker);
    // Proposed writes may already be in the log: their outcome is unknown, not "not applied".
    const unknown = new RuninkError('BARN_TIMEOUT', 'the node shut down before the write was applied here; its outcome is unknown');
    this.waiters.failAll(unknown);
    this.confWaiters.failAll(unknown);
    const closing = new RuninkError('BARN_UNAVAILABLE', 'node is shutting down', { retry: true });
    this.reads.failAll(closing);
    await this.transport.close();
    await this.flushed;
    await this.housekeeper.stop();
    await this.store.close();
  }

  /** Messages from peers (the /raft/messages route). */
  receive(clusterId: string, messages: readonly Message[]): void {
    if (clusterId !== this.options.clusterId) {
      throw new RuninkError('BARN_CLUSTER_MISMATCH', `peer belongs to cluster ${clusterId}, this node to ${this.options.clusterId}`);
    }
    for (const m of messages) {
      if (m.to !== this.id) continue;
      this.notices.received(m);
      this.raw.step(m);
    }
    this.schedule();
  }

  // ---- BarnService -------------------------------------------------------------------------------------

  write(command: Command): Promise<ApplyResult> {
    const checked = validateCommand(command);
    if (!checked.ok) return Promise.resolve({ ...checked, revision: this.store.kv.revision() });
    const reserved = reservedKeyError(checked.command);
    if (reserved !== undefined) return Promise.resolve({ ...reserved, revision: this.store.kv.revision() });
    if (this.stopped) return Promise.reject(new RuninkError('BARN_UNAVAILABLE', 'node is shutting down'));
    if (this.leader() === '') return Promise.reject(noLeader());
    const requestId = newRequestId();
    const err = this.raw.propose(wrap(requestId, encodeCommand(checked.command)));
    if (err) {
      this.metrics.proposalsDropped.inc();
      return Promise.reject(new RuninkError('BARN_UNAVAILABLE', `proposal dropped (${err.code}); retry`, { retry: true }));
    }
    this.metrics.proposalsProposed.inc();
    const promise = this.waiters.wait(requestId);
    this.waiting.note(this.waiters.size);
    this.schedule();
    return promise;
  }

  read<T>(fn: (reader: KvReader) => T, options: { stale?: boolean } = {}): Promise<T> {
    if (options.stale) return Promise.resolve(fn(this.store.kv));
    if (this.stopped) return Promise.reject(new RuninkError('BARN_UNAVAILABLE', 'node is shutting down'));
    if (this.leader() === '') return Promise.reject(noLeader());
    return new Promise<T>((resolve, reject) => {
      this.reads.add(() => resolve(fn(this.store.kv)), reject);
      this.schedule();
    });
  }

  watch(prefix: string, fromRevision: number | undefined, send: WatchSend, onClose: (reason: WatchClose) => void): WatchStart {
    return this.hub.watch(prefix, fromRevision, send, onClose);
  }

  status(): NodeStatus {
    const s = this.raw.status();
    return {
      id: this.id,
      clusterId: this.options.clusterId,
      role: s.softState.role,
      term: s.hardState.term,
      leader: s.softState.lead,
      commitIndex: s.hardState.commit,
      appliedIndex: this.store.kv.appliedIndex(),
      revision: this.store.kv.revision(),
      members: this.book.list(s.confState),
    };
  }

  members(): readonly MemberInfo[] {
    return this.book.list(this.raw.status().confState);
  }

  addMember(member: MemberInfo): Promise<readonly MemberInfo[]> {
    if (this.members().some((m) => m.id === member.id && m.role === member.role)) {
      return Promise.reject(new RuninkError('BARN_MEMBER_EXISTS', `member ${member.id} is already a ${member.role}`, { id: member.id }));
    }
    return this.changeMembership({ changes: [{ type: member.role === 'learner' ? 'add-learner' : 'add-node', nodeId: member.id }], transition: 'auto', context: JSON.stringify({ url: member.url }) });
  }

  /** Removing the leader first hands leadership to another voter: a leader that removes itself from a
   * two-voter configuration could otherwise leave the survivor unable to win an election (it may not know the
   * removal committed, and still needs the removed node's vote). */
  async removeMember(id: string): Promise<readonly MemberInfo[]> {
    const current = this.members();
    if (!current.some((m) => m.id === id)) throw new RuninkError('BARN_UNKNOWN_MEMBER', `no member ${id}; see GET /v1/members`, { id });
    if (id === this.leader()) {
      const host = { id: this.id, leader: () => this.leader(), transferTo: (to: NodeId): void => { this.raw.transferLeadership(to); this.schedule(); } };
      await handOffLeadership(host, id, current, this.options.requestTimeoutMs ?? 5000);
    }
    return this.changeMembership({ changes: [{ type: 'remove-node', nodeId: id }], transition: 'auto', context: '{}' });
  }

  // ---- the loop ----------------------------------------------------------------------------------------

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(this.onScheduled);
  }

  /** schedule()'s callback, made once (one closure less per message, proposal and tick). */
  private readonly onScheduled = (): void => {
    this.scheduled = false;
    if (!this.stopped) this.processReady();
  };

  /** A leader holds its commit-only appends to followers nobody waits on (commit-notices.ts). */
  private sendMessages(messages: readonly Message[]): void {
    this.transport.send(this.raw.raft.role === 'leader' ? this.notices.route(messages, this.replicating) : messages);
  }

  private readonly replicating = (peer: NodeId): boolean => this.raw.raft.trk.progress.get(peer)?.state === 'replicate';

  /** See early-send.ts: a leader's appends leave before the write only if they promise nothing undurable. */
  private promisesOnlyDurable(rd: Ready): boolean {
    return leaderMaySendEarly(rd.hardState, this.store.hardState(), this.store.lastIndex());
  }

  private processReady(): void {
    if (this.writing) return; // resumed when the flush in flight completes
    const readCtx = this.reads.takePending();
    if (readCtx !== undefined) this.raw.readIndex(readCtx);
    while (this.raw.hasReady()) {
      const rd = this.raw.ready();
      const { early, late } = splitMessages(rd.messages, this.raw.raft.role === 'leader' && this.promisesOnlyDurable(rd));
      this.sendMessages(early);
      const plan = this.deferred.plan(rd, this.store.hardState(), this.needsState());
      const prepared = plan.batch === undefined ? undefined : this.store.prepare(plan.batch);
      if (prepared?.durable === true) {
        if (!this.flushOnLoop(rd)) {
          this.flushThenFinish(rd, prepared, plan.committed, late);
          return;
        }
        const end = this.metrics.persistSeconds.startTimer();
        this.store.flushSync(prepared);
        end();
      }
      this.finishReady(rd, prepared, plan.committed, late);
    }
    if (this.deferred.pending && this.deferred.mustApply(this.needsState())) {
      const committed = this.deferred.take();
      const prepared = this.store.prepare(coveringCommit({ entries: [] }, committed, this.store.hardState()));
      const applied = this.commit(undefined, prepared, committed);
      this.afterApply(undefined, committed, applied);
      this.reads.serve(this.store.kv.appliedIndex());
    }
    this.housekeeper.afterPass();
  }

  /** Where a Ready's fdatasync runs. Handing it to libuv's pool and waking up again costs each write a thread
   * hand-off both ways, which on a VM is a large share of the CPU a write takes (docs/performance.md). So it
   * runs on the event loop, blocking it, except on a member without peers taking a large Ready: there the
   * loop's work during the flush (parsing the next requests) is what makes the next group commit large, and no
   * other process competes for the CPU. With peers, the leader has sent its appends before flushing, so its
   * flush overlaps the followers' anyway; what arrives meanwhile is taken in the next Ready. */
  private flushOnLoop(rd: Ready): boolean {
    return rd.entries.length <= SMALL_READY_ENTRIES || this.raw.raft.trk.progress.size > 1;
  }

  /** Step 1's flush runs off the event loop (WAL fdatasync): meanwhile the node keeps taking messages, proposals
   * and ticks (RawNode allows stepping between ready() and advance(); they come in the next Ready). A failed
   * flush is fatal, as in etcd: the process cannot know what reached the disk, so it must not go on. */
  private flushThenFinish(rd: Ready, prepared: PreparedWrite, committed: readonly Entry[], late: readonly Message[]): void {
    this.writing = true;
    const end = this.metrics.persistSeconds.startTimer();
    this.flushed = this.store
      .flush(prepared)
      .then(() => {
        end();
        this.writing = false;
        if (this.stopped) return; // stop() closes the store; the env catches up from the WAL when it reopens
        this.finishReady(rd, prepared, committed, late);
        this.processReady();
      })
      .catch((err: unknown) => {
        // A failed flush, or a failure applying what it made durable: the node cannot go on consistently.
        fatal('writing a Ready failed', err);
      });
  }

  /** Steps 2 to 4 of a Ready whose batch is durable (or need not be). The late messages leave before the env
   * transaction: what they promise (entries, term, vote) is durable in the write-ahead log once
   * the flush returned, and an ack sent first takes the env transaction off the commit's critical path. */
  private finishReady(rd: Ready, prepared: PreparedWrite | undefined, committed: readonly Entry[], late: readonly Message[]): void {
    this.sendMessages(late);
    const applied = this.commit(rd, prepared, committed);
    this.afterApply(rd, committed, applied);
    this.reads.onReadStates(rd.readStates);
    this.raw.advance();
    this.reads.serve(this.store.kv.appliedIndex());
  }

  /** Someone on this node needs the state machine current: it leads, or a write, read or watch waits. */
  private needsState(): boolean {
    return this.raw.raft.role === 'leader' || this.waiters.size > 0 || this.confWaiters.size > 0 || this.reads.waiting() || this.hub.size() > 0;
  }

  /** The env transaction of a Ready (LmdbStore.commit): the prepared batch (entries, hard state, snapshot; none
   * when nothing needs writing) and the effects of `committed` with the applied index. Votes and acks are sent
   * only after the batch is durable. */
  private commit(rd: Ready | undefined, prepared: PreparedWrite | undefined, committed: readonly Entry[]): Applied {
    if (prepared === undefined) return NOTHING_APPLIED;
    // Nothing to apply: the batch may wait in the store's tail for the next transaction (LmdbStore.commit).
    const nothingToApply = committed.length === 0 && rd?.snapshot === undefined;
    const applied = this.store.commit(prepared, nothingToApply ? undefined : (w) => {
      const applyEnd = this.metrics.applySeconds.startTimer();
      try {
        return applyCommitted(w, rd?.snapshot, committed, (e, tw) => this.applyConfChange(e, tw));
      } finally {
        applyEnd();
      }
    });
    (prepared.durable ? this.metrics.durableWrites : this.metrics.deferredWrites).inc();
    if (rd !== undefined && rd.entries.length > 0) this.metrics.entriesPerReady.observe(rd.entries.length);
    if (rd?.snapshot !== undefined) this.housekeeper.snapshotInstalled(rd.snapshot.metadata.index);
    return applied ?? NOTHING_APPLIED;
  }

  /** Step 4: watchers and waiting callers learn about what the transaction applied. */
  private afterApply(rd: Ready | undefined, committed: readonly Entry[], applied: Applied): void {
    if (rd?.snapshot !== undefined) this.hub.resync();
    this.hub.notify(applied.events);
    for (const { requestId, result } of applied.done) this.waiters.resolve(requestId, result);
    if (committed.some((e) => e.type === 'conf-change') || rd?.snapshot !== undefined) this.transport.setPeers(this.book.urls());
  }

  /** A configuration change inside the apply transaction (apply-conf-change.ts). Returns the member book's
   * KV events. */
  private applyConfChange(entry: Entry, w: LmdbKvWriter): KvEvent[] {
    const { events, requestId: id } = applyConfChangeEntry(entry, w, this.raw, this.book);
    this.housekeeper.configChanged();
    if (id !== undefined) {
      const result: ApplyResult = { ok: true, command: 'noop', revision: w.revision(), results: [], events };
      // Resolved after the transaction commits (microtasks run after this synchronous apply returns).
      queueMicrotask(() => this.confWaiters.resolve(id, result));
    }
    return events;
  }

  private changeMembership(cc: ConfChange): Promise<readonly MemberInfo[]> {
    if (this.leader() === '') return Promise.reject(noLeader());
    const requestId = newRequestId();
    const context = { ...confContext(cc.context), requestId };
    const err = this.raw.proposeConfChange({ ...cc, context: JSON.stringify(context) });
    if (err) return Promise.reject(new RuninkError(err.code === 'RAFT_PROPOSAL_DROPPED' ? 'BARN_UNAVAILABLE' : 'BARN_BAD_REQUEST', `membership change refused: ${err.message}`, { code: err.code }));
    const promise = this.confWaiters.wait(requestId).then(() => this.members());
    this.schedule();
    return promise;
  }

  // ---- helpers -----------------------------------------------------------------------------------------

  /** What /metrics reports (read when scraped; status() builds every peer's progress, fine per scrape). */
  private gauges(): NodeGauges {
    const s = this.raw.status();
    return { term: s.hardState.term, commitIndex: s.hardState.commit, appliedIndex: this.store.kv.appliedIndex(), isLeader: s.softState.role === 'leader', revision: this.store.kv.revision() };
  }

  /** The leader as this node knows it (no status() here: on a leader that builds every peer's progress). */
  private leader(): NodeId {
    return this.raw.raft.lead;
  }
}

/** A failed flush, apply or snapshot: the node cannot go on consistently, so the process stops (as etcd). */
function fatal(what: string, err: unknown): void {
  process.nextTick(() => {
    throw new RuninkError('BARN_WRITE_FAILED', `${what}; the node stops (start it again: it recovers from its write-ahead log): ${String(err)}`, {}, { cause: err });
  });
}

function noLeader(): RuninkError {
  return new RuninkError('BARN_UNAVAILABLE', 'no leader right now (election in progress or no quorum); retry shortly', { retry: true });
}
