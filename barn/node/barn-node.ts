// BarnNode: one member of a Barn cluster. It owns the Raft core (RawNode), the LMDB store, the watch hub and
// the peer transport, and runs the Ready loop:
//
//   tick / message / proposal / read  →  schedule()  →  processReady():
//     1. persist entries + hard state + snapshot AND apply the snapshot and committed entries with the applied
//        index, all in ONE durable LMDB write transaction (group commit: every proposal that arrived since
//        the last Ready shares this one fsync; a crash never applies an entry twice or loses one);
//     2. send messages to peers (only after that transaction committed);
//     3. notify watchers and resolve the callers waiting on those entries; serve reads whose read index is
//        applied;
//     4. advance().
//
// Level-triggered: processReady loops while the core has work. Everything in it is synchronous (LMDB writes
// are synchronous), so no two Readys interleave.
import { RuninkError } from '../../common/error.ts';
import { seededRng } from '../../common/rng.ts';
import { RawNode } from '../raft/raw-node.ts';
import type { ConfChange, ConfState, Entry, Message, NodeId, Ready } from '../raft/types.ts';
import type { KvEvent, KvReader } from '../state/backend.ts';
import { applyEntry, type ApplyResult } from '../state/apply.ts';
import { encodeCommand, type Command } from '../state/commands.ts';
import { encodeSnapshot, restoreSnapshot } from '../state/snapshot.ts';
import { validateCommand } from '../state/validate-command.ts';
import { WatchHub, type WatchClose, type WatchSend, type WatchStart } from '../state/watch-hub.ts';
import type { LmdbKvWriter } from '../storage/lmdb-kv.ts';
import { openStore, type LmdbStore } from '../storage/lmdb-store.ts';
import { PeerTransport } from '../transport/peer-transport.ts';
import { newRequestId, unwrap, wrap } from './envelope.ts';
import { MemberBook } from './member-book.ts';
import { NodeMetrics } from './metrics.ts';
import { ReadBatches } from './read-batches.ts';
import type { BarnService, MemberInfo, NodeStatus } from './service.ts';

/** Default timing: elections after 500–1000 ms without a leader (25 distinct timeouts, so split votes are rare),
 * heartbeats every 100 ms. */
export const DEFAULT_TIMING = { tickMs: 20, electionTicks: 25, heartbeatTicks: 5 } as const;

export interface BarnNodeOptions {
  readonly id: NodeId;
  readonly clusterId: string;
  readonly dataDir: string;
  /** Members when the cluster is first created (ignored when the data dir already has state). Empty for a
   * node joining an existing cluster: it learns the configuration from the leader. */
  readonly initialMembers: readonly MemberInfo[];
  /** Joining an existing cluster: start with no configuration (the leader sends it) — `initialMembers` are
   * then only where to reach the others. */
  readonly join?: boolean;
  readonly clusterToken: string;
  readonly tickMs?: number;
  readonly electionTicks?: number;
  readonly heartbeatTicks?: number;
  readonly requestTimeoutMs?: number;
  /** Take a state machine snapshot and compact the log every this many applied entries. */
  readonly snapshotEvery?: number;
  /** Entries kept behind a snapshot so slightly slow followers catch up without one. */
  readonly compactionMargin?: number;
  /** Keep this many revisions of history for watches; older ones are compacted. */
  readonly retainRevisions?: number;
  readonly noSync?: boolean;
}

interface Waiter {
  resolve(result: ApplyResult): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}


export class BarnNode implements BarnService {
  readonly id: NodeId;
  readonly metrics = new NodeMetrics();
  private readonly store: LmdbStore;
  private readonly raw: RawNode;
  private readonly hub: WatchHub;
  private readonly transport: PeerTransport;
  private readonly book: MemberBook;
  private readonly waiters = new Map<string, Waiter>();
  private readonly confWaiters = new Map<string, Waiter>();
  private readonly reads: ReadBatches;
  private scheduled = false;
  private ticker: NodeJS.Timeout | undefined;
  private stopped = false;
  private lastSnapshotIndex: number;
  /** A configuration change was applied since the last snapshot: the next snapshot must not wait, because a
   * member added by it can only install a snapshot whose configuration includes it. */
  private configChangedSinceSnapshot = false;
  private lastCompactionCheck = 0;

  constructor(private readonly options: BarnNodeOptions) {
    this.id = options.id;
    const first = options.join ? [] : options.initialMembers;
    const voters = first.filter((m) => m.role === 'voter').map((m) => m.id).sort();
    const learners = first.filter((m) => m.role === 'learner').map((m) => m.id).sort();
    this.store = openStore(options.dataDir, {
      clusterId: options.clusterId,
      nodeId: options.id,
      ...(options.noSync ? { noSync: true } : {}),
      initialConfState: { voters, learners, votersOutgoing: [], learnersNext: [], autoLeave: false },
    });
    this.recoverStateMachine();
    this.book = new MemberBook(this.store.kv, options.initialMembers);
    this.hub = new WatchHub(this.store.kv);
    this.lastSnapshotIndex = this.store.snapshot().metadata.index;
    this.reads = new ReadBatches(options.id, options.requestTimeoutMs ?? 5000);
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
  }

  /** Starts ticking. A single-member cluster elects itself at once. */
  start(): void {
    this.ticker = setInterval(() => {
      this.raw.tick();
      this.schedule();
    }, this.options.tickMs ?? DEFAULT_TIMING.tickMs);
    const cs = this.raw.status().confState;
    if (cs.voters.length === 1 && cs.voters[0] === this.id) this.raw.campaign();
    this.schedule();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.ticker) clearInterval(this.ticker);
    // Proposed writes may already be in the log: their outcome is unknown, not "not applied".
    const unknown = new RuninkError('BARN_TIMEOUT', 'the node shut down before the write was applied here; its outcome is unknown');
    for (const w of [...this.waiters.values(), ...this.confWaiters.values()]) {
      clearTimeout(w.timer);
      w.reject(unknown);
    }
    const closing = new RuninkError('BARN_UNAVAILABLE', 'node is shutting down', { retry: true });
    this.reads.failAll(closing);
    await this.transport.close();
    await this.store.close();
  }

  /** Messages from peers (the /raft/messages route). */
  receive(clusterId: string, messages: readonly Message[]): void {
    if (clusterId !== this.options.clusterId) {
      throw new RuninkError('BARN_CLUSTER_MISMATCH', `peer belongs to cluster ${clusterId}, this node to ${this.options.clusterId}`);
    }
    for (const m of messages) if (m.to === this.id) this.raw.step(m);
    this.schedule();
  }

  // ---- BarnService -------------------------------------------------------------------------------------

  write(command: Command): Promise<ApplyResult> {
    const checked = validateCommand(command);
    if (!checked.ok) return Promise.resolve({ ...checked, revision: this.store.kv.revision() });
    if (this.stopped) return Promise.reject(new RuninkError('BARN_UNAVAILABLE', 'node is shutting down'));
    if (this.leader() === '') return Promise.reject(noLeader());
    const requestId = newRequestId();
    const err = this.raw.propose(wrap(requestId, encodeCommand(checked.command)));
    if (err) {
      this.metrics.proposals.inc({ result: 'dropped' });
      return Promise.reject(new RuninkError('BARN_UNAVAILABLE', `proposal dropped (${err.code}); retry`, { retry: true }));
    }
    this.metrics.proposals.inc({ result: 'proposed' });
    const promise = this.wait(this.waiters, requestId);
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
    if (id === this.leader()) await this.handOffLeadership(id, current);
    return this.changeMembership({ changes: [{ type: 'remove-node', nodeId: id }], transition: 'auto', context: '{}' });
  }

  private async handOffLeadership(from: NodeId, members: readonly MemberInfo[]): Promise<void> {
    const to = members.find((m) => m.role === 'voter' && m.id !== from)?.id;
    if (to === undefined) throw new RuninkError('BARN_BAD_REQUEST', `cannot remove ${from}: it is the only voter`, { id: from });
    if (from === this.id) {
      this.raw.transferLeadership(to);
      this.schedule();
    }
    const deadline = Date.now() + (this.options.requestTimeoutMs ?? 5000);
    while (this.leader() === from || this.leader() === '') {
      if (Date.now() > deadline) throw new RuninkError('BARN_TIMEOUT', `leadership did not move away from ${from} in time; retry`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  // ---- the loop ----------------------------------------------------------------------------------------

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.stopped) this.processReady();
    });
  }

  private processReady(): void {
    const readCtx = this.reads.takePending();
    if (readCtx !== undefined) this.raw.readIndex(readCtx);
    while (this.raw.hasReady()) {
      const rd = this.raw.ready();
      const applied = this.persistAndApply(rd);
      this.transport.send(rd.messages);
      this.afterApply(rd, applied);
      this.reads.onReadStates(rd.readStates);
      this.raw.advance();
      this.reads.serve(this.store.kv.appliedIndex());
      this.updateGauges(rd);
    }
    this.maybeSnapshot();
  }

  /** Steps 1 and 3 of the loop in ONE durable LMDB transaction (one fsync): the Ready's entries, hard state
   * and snapshot, and the effects of its committed entries with the applied index. Messages are sent only
   * after it commits. */
  private persistAndApply(rd: Ready): { events: KvEvent[]; done: Array<{ requestId: string; result: ApplyResult }> } {
    const done: Array<{ requestId: string; result: ApplyResult }> = [];
    const nothingToPersist = rd.entries.length === 0 && rd.hardState === undefined && rd.snapshot === undefined;
    if (nothingToPersist && rd.committedEntries.length === 0) return { events: [], done };
    const end = this.metrics.persistSeconds.startTimer();
    const batch = { entries: rd.entries, ...(rd.hardState ? { hardState: rd.hardState } : {}), ...(rd.snapshot ? { snapshot: rd.snapshot } : {}) };
    const events = this.store.persistAndApply(batch, (w) => {
      const out: KvEvent[] = [];
      if (rd.snapshot !== undefined && rd.snapshot.metadata.index > w.appliedIndex()) {
        const restored = restoreSnapshot(w, rd.snapshot.data);
        if (!restored.ok) throw new RuninkError('BARN_BAD_SNAPSHOT', restored.message);
        w.setConfState(rd.snapshot.metadata.confState);
      }
      const applyEnd = this.metrics.applySeconds.startTimer();
      for (const entry of rd.committedEntries) {
        if (entry.index <= w.appliedIndex()) continue;
        if (entry.type === 'conf-change') {
          out.push(...this.applyConfChange(entry, w));
          continue;
        }
        const { requestId, command } = unwrap(entry.data);
        const result = applyEntry(w, entry.index, command);
        if (result.ok) out.push(...result.events);
        if (requestId !== undefined) done.push({ requestId, result });
      }
      applyEnd();
      return out;
    });
    end();
    if (rd.entries.length > 0) this.metrics.entriesPerReady.observe(rd.entries.length);
    if (rd.snapshot !== undefined) this.lastSnapshotIndex = Math.max(this.lastSnapshotIndex, rd.snapshot.metadata.index);
    return { events, done };
  }

  /** Step 4: watchers and waiting callers learn about what the transaction applied. */
  private afterApply(rd: Ready, applied: { events: KvEvent[]; done: Array<{ requestId: string; result: ApplyResult }> }): void {
    if (rd.snapshot !== undefined) this.hub.resync();
    this.hub.notify(applied.events);
    for (const { requestId, result } of applied.done) this.settle(this.waiters, requestId, (w) => w.resolve(result));
    if (rd.committedEntries.some((e) => e.type === 'conf-change') || rd.snapshot !== undefined) this.transport.setPeers(this.book.urls());
  }

  /** Applies a configuration change inside the apply transaction: the new ConfState, the member's URL and the
   * applied index commit together. Returns the KV events of the member book. */
  private applyConfChange(entry: Entry, w: LmdbKvWriter): KvEvent[] {
    const cc = RawNode.confChangeOf(entry.data);
    const cs: ConfState = this.raw.applyConfChange(cc);
    w.setConfState(cs);
    const context = safeJson(cc.context) as { url?: string; requestId?: string };
    const events: KvEvent[] = [];
    for (const change of cc.changes) {
      if (change.type === 'remove-node') events.push(...this.book.forget(w, change.nodeId));
      else if (typeof context.url === 'string') events.push(...this.book.remember(w, { id: change.nodeId, url: context.url, role: change.type === 'add-learner' ? 'learner' : 'voter' }));
    }
    w.setAppliedIndex(entry.index);
    this.configChangedSinceSnapshot = true;
    if (typeof context.requestId === 'string') {
      const id = context.requestId;
      const result: ApplyResult = { ok: true, command: 'noop', revision: w.revision(), results: [], events };
      // Resolved after the transaction commits (microtasks run after this synchronous apply returns).
      queueMicrotask(() => this.settle(this.confWaiters, id, (waiter) => waiter.resolve(result)));
    }
    return events;
  }

  private changeMembership(cc: ConfChange): Promise<readonly MemberInfo[]> {
    if (this.leader() === '') return Promise.reject(noLeader());
    const requestId = newRequestId();
    const context = { ...(safeJson(cc.context) as object), requestId };
    const err = this.raw.proposeConfChange({ ...cc, context: JSON.stringify(context) });
    if (err) return Promise.reject(new RuninkError(err.code === 'RAFT_PROPOSAL_DROPPED' ? 'BARN_UNAVAILABLE' : 'BARN_BAD_REQUEST', `membership change refused: ${err.message}`, { code: err.code }));
    const promise = this.wait(this.confWaiters, requestId).then(() => this.members());
    this.schedule();
    return promise;
  }

  /** Housekeeping after each loop pass: the leader proposes revision compaction once history holds more than
   * twice `retainRevisions` (checked every 1,000 revisions), and every node snapshots its state machine and
   * compacts its log every `snapshotEvery` applied entries (at once after a membership change). */
  private maybeSnapshot(): void {
    const retain = this.options.retainRevisions ?? 20_000;
    const revision = this.store.kv.revision();
    if (revision - this.lastCompactionCheck >= 1000) {
      this.lastCompactionCheck = revision;
      if (this.raw.status().softState.role === 'leader' && revision - this.store.kv.compactedRevision() > retain * 2) {
        void this.write({ type: 'compact', revision: revision - retain }).catch(() => undefined);
      }
    }
    const applied = this.store.kv.appliedIndex();
    const every = this.options.snapshotEvery ?? 50_000;
    if (applied <= this.lastSnapshotIndex) return;
    if (applied - this.lastSnapshotIndex < every && !this.configChangedSinceSnapshot) return;
    this.configChangedSinceSnapshot = false;
    const snapshot = this.store.createSnapshot(applied, this.raw.status().confState, encodeSnapshot(this.store.kv));
    this.lastSnapshotIndex = snapshot.metadata.index;
    const margin = this.options.compactionMargin ?? 5_000;
    if (applied - margin > this.store.firstIndex()) this.store.compact(applied - margin);
  }


  // ---- helpers -----------------------------------------------------------------------------------------

  private recoverStateMachine(): void {
    // A crash after persisting a snapshot but before restoring the KV from it: restore now.
    const snap = this.store.snapshot();
    if (snap.metadata.index > this.store.kv.appliedIndex() && snap.data.length > 0) {
      this.store.kv.write((w) => {
        const r = restoreSnapshot(w, snap.data);
        if (!r.ok) throw new RuninkError('BARN_BAD_SNAPSHOT', r.message);
        w.setConfState(snap.metadata.confState);
      });
    }
  }

  private leader(): NodeId {
    return this.raw.status().softState.lead;
  }

  private wait(map: Map<string, Waiter>, requestId: string): Promise<ApplyResult> {
    return new Promise<ApplyResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        map.delete(requestId);
        this.metrics.proposals.inc({ result: 'timeout' });
        reject(new RuninkError('BARN_TIMEOUT', 'the write was proposed but not applied in time; its outcome is unknown (it may still apply)'));
      }, this.options.requestTimeoutMs ?? 5000);
      map.set(requestId, { resolve, reject, timer });
    });
  }

  private settle(map: Map<string, Waiter>, requestId: string, fn: (w: Waiter) => void): void {
    const waiter = map.get(requestId);
    if (waiter === undefined) return;
    map.delete(requestId);
    clearTimeout(waiter.timer);
    fn(waiter);
  }

  private updateGauges(rd: Ready): void {
    if (rd.hardState) {
      this.metrics.term.set(rd.hardState.term);
      this.metrics.commitIndex.set(rd.hardState.commit);
    }
    if (rd.softState) this.metrics.isLeader.set(rd.softState.role === 'leader' ? 1 : 0);
    this.metrics.appliedIndex.set(this.store.kv.appliedIndex());
    this.metrics.revision.set(this.store.kv.revision());
  }
}

function noLeader(): RuninkError {
  return new RuninkError('BARN_UNAVAILABLE', 'no leader right now (election in progress or no quorum); retry shortly', { retry: true });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) ?? {};
  } catch {
    return {};
  }
}

function seedOf(id: string): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return h >>> 0;
}
