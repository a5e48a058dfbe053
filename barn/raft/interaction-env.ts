// InteractionEnv: a deterministic little world of RawNodes for datadriven scripts. It owns, per node, a
// MemoryStorage, a toy state machine (the list of applied payloads) and the configuration history; and one
// network queue of messages in send order. Nothing happens unless a command says so: handleReady() runs
// exactly the node-loop contract (persist → send → apply → advance) and deliver() steps queued messages.
// Everything observable is written to `output` (log lines of the cores included, filtered by level).
import { seededRng } from '../../common/rng.ts';
import { canonicalConfState } from './conf-state.ts';
import { decodeConfChange } from './conf-change-codec.ts';
import {
  describeEntry,
  describeHardState,
  describeMessage,
  describeSnapshot,
  describeSoftState,
} from './describe.ts';
import { LEVEL_RANK } from './logger.ts';
import type { LogLevel, RaftLogger } from './logger.ts';
import { MemoryStorage } from './memory-storage.ts';
import { RawNode } from './raw-node.ts';
import { SnapshotTemporarilyUnavailableError } from './storage.ts';
import type { ConfState, Message, NodeId, Ready, Snapshot } from './types.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface NodeOptions {
  readonly electionTick: number;
  readonly heartbeatTick: number;
  readonly maxSizePerMsg: number;
  readonly maxInflightMsgs: number;
  readonly maxInflightBytes: number;
  readonly checkQuorum: boolean;
  readonly preVote: boolean;
  readonly disableProposalForwarding: boolean;
}

export const DEFAULT_NODE_OPTIONS: NodeOptions = {
  electionTick: 10,
  heartbeatTick: 1,
  maxSizePerMsg: Number.MAX_SAFE_INTEGER,
  maxInflightMsgs: 256,
  maxInflightBytes: 0,
  checkQuorum: false,
  preVote: false,
  disableProposalForwarding: false,
};

/** One applied payload of the toy state machine. */
export interface AppliedValue {
  readonly index: number;
  readonly value: string;
}

/** MemoryStorage whose snapshot() is taken on demand at the node's applied index (as a real server
 * snapshots periodically), so a leader can always send an up-to-date snapshot. The stored snapshot (from
 * compact or a received snapshot) is what a restart boots from. */
export class EnvStorage extends MemoryStorage {
  snapshotSource: (() => Snapshot | undefined) | undefined = undefined;
  /** While set, snapshot() throws as a store whose snapshot bytes are still being encoded. */
  snapshotUnavailable = false;

  storedSnapshot(): Snapshot {
    return super.snapshot();
  }

  override snapshot(): Snapshot {
    if (this.snapshotUnavailable) throw new SnapshotTemporarilyUnavailableError(super.snapshot().metadata.index);
    return this.snapshotSource?.() ?? super.snapshot();
  }
}

export interface EnvNode {
  readonly id: NodeId;
  readonly storage: EnvStorage;
  readonly options: NodeOptions;
  node: RawNode;
  applied: AppliedValue[];
  /** Configurations in apply order, with the index they took effect at (for snapshots at any index). */
  confHistory: { index: number; confState: ConfState }[];
}

export type OutputLevel = LogLevel | 'none';

/** A message on the wire and the node that put it there (a forwarded message keeps its original `from`;
 * partitions cut by the actual sender). */
export interface InFlight {
  readonly sender: NodeId;
  readonly msg: Message;
}

export class InteractionEnv {
  readonly nodes: EnvNode[] = [];
  /** The network: messages in send order, removed when delivered or dropped. */
  messages: InFlight[] = [];
  /** Groups of nodes that can only talk within their group; nodes in no group form one more group. */
  partition: readonly ReadonlySet<NodeId>[] = [];
  level: OutputLevel = 'info';
  private lines: string[] = [];
  private indent = 0;

  write(line: string): void {
    if (line === '') return; // blank lines end a datadriven case
    this.lines.push(' '.repeat(this.indent) + line);
  }

  /** Runs `fn` with output indented by two spaces. */
  nested(fn: () => void): void {
    this.indent += 2;
    try {
      fn();
    } finally {
      this.indent -= 2;
    }
  }

  takeOutput(): string {
    const out = this.lines.join('\n');
    this.lines = [];
    return out;
  }

  logger(): RaftLogger {
    return {
      log: (level, message) => {
        if (this.level !== 'none' && LEVEL_RANK[level] >= LEVEL_RANK[this.level]) this.write(`${level.toUpperCase()} ${message}`);
      },
    };
  }

  node(id: NodeId): EnvNode {
    const n = this.nodes.find((x) => x.id === id);
    if (n === undefined) throw new Error(`unknown node ${id}`);
    return n;
  }

  /** Adds a node with a fresh storage. With `snapshotIndex` > 0 the storage starts from a snapshot at that
   * index (term 1) holding `confState`; otherwise `confState` is the initial configuration. */
  addNode(confState: ConfState, snapshotIndex: number, options: NodeOptions): EnvNode {
    const id = String(this.nodes.length + 1);
    let storage: EnvStorage;
    if (snapshotIndex > 0) {
      storage = new EnvStorage();
      storage.applySnapshot({ metadata: { index: snapshotIndex, term: 1, confState }, data: encodeState([]) });
    } else {
      storage = new EnvStorage({ confState });
    }
    const n: EnvNode = { id, storage, options, node: undefined as unknown as RawNode, applied: [], confHistory: [] };
    storage.snapshotSource = () => this.snapshotAtApplied(n);
    this.nodes.push(n);
    this.boot(n);
    return n;
  }

  /** (Re)creates the node's RawNode from its storage: volatile state is lost, the state machine restarts
   * from the storage's snapshot and committed entries after it are applied again. */
  boot(n: EnvNode): void {
    const snap = n.storage.storedSnapshot();
    n.applied = decodeState(snap.data);
    n.confHistory = [{ index: snap.metadata.index, confState: snap.metadata.confState }];
    n.node = new RawNode({
      id: n.id,
      electionTick: n.options.electionTick,
      heartbeatTick: n.options.heartbeatTick,
      storage: n.storage,
      applied: snap.metadata.index,
      maxSizePerMsg: n.options.maxSizePerMsg,
      maxInflightMsgs: n.options.maxInflightMsgs,
      maxInflightBytes: n.options.maxInflightBytes,
      checkQuorum: n.options.checkQuorum,
      preVote: n.options.preVote,
      disableProposalForwarding: n.options.disableProposalForwarding,
      rng: seededRng(Number.parseInt(n.id, 10) || 1),
      logger: this.logger(),
    });
  }

  /** One turn of the node loop for `n`: persist, send (enqueue), apply, advance. */
  handleReady(n: EnvNode): void {
    const rd = n.node.ready();
    this.printReady(n.id, rd);
    if (rd.snapshot !== undefined) n.storage.applySnapshot(rd.snapshot);
    n.storage.append(rd.entries);
    if (rd.hardState !== undefined) n.storage.setHardState(rd.hardState);
    // Messages across a partition are lost on the wire.
    for (const m of rd.messages) if (!this.cut(n.id, m.to)) this.messages.push({ sender: n.id, msg: m });
    if (rd.snapshot !== undefined) this.applySnapshot(n, rd.snapshot);
    for (const e of rd.committedEntries) {
      switch (e.type) {
        case 'normal':
          if (e.data.byteLength > 0) n.applied.push({ index: e.index, value: decoder.decode(e.data) });
          break;
        case 'conf-change': {
          const confState = n.node.applyConfChange(decodeConfChange(e.data));
          n.confHistory.push({ index: e.index, confState });
          break;
        }
      }
    }
    n.node.advance();
  }

  private applySnapshot(n: EnvNode, s: Snapshot): void {
    n.applied = decodeState(s.data);
    n.confHistory = [{ index: s.metadata.index, confState: s.metadata.confState }];
  }

  private printReady(sender: NodeId, rd: Ready): void {
    this.write('Ready:');
    if (rd.softState !== undefined) this.write(describeSoftState(rd.softState));
    if (rd.hardState !== undefined) this.write(`HardState ${describeHardState(rd.hardState)}`);
    if (rd.snapshot !== undefined) this.write(`Snapshot ${describeSnapshot(rd.snapshot)}`);
    if (rd.entries.length > 0) {
      this.write('Entries:');
      for (const e of rd.entries) this.write(describeEntry(e));
    }
    if (rd.committedEntries.length > 0) {
      this.write('CommittedEntries:');
      for (const e of rd.committedEntries) this.write(describeEntry(e));
    }
    if (rd.messages.length > 0) {
      this.write('Messages:');
      for (const m of rd.messages) this.write(`${describeMessage(m)}${this.cut(sender, m.to) ? ' DROPPED (partition)' : ''}`);
    }
    if (rd.readStates.length > 0) {
      this.write('ReadStates:');
      for (const rs of rd.readStates) this.write(`Index:${rs.index} RequestCtx:${rs.requestCtx}`);
    }
  }

  /** Removes the queued messages addressed to `to` (optionally only of `types`) and returns them in order. */
  takeMessages(to: NodeId, types?: ReadonlySet<string>): InFlight[] {
    const taken: InFlight[] = [];
    const kept: InFlight[] = [];
    for (const f of this.messages) {
      if (f.msg.to === to && (types === undefined || types.has(f.msg.type))) taken.push(f);
      else kept.push(f);
    }
    this.messages = kept;
    return taken;
  }

  /** Steps `m` into its recipient unless the partition cuts it; prints the message and what it caused. */
  deliver(f: InFlight): void {
    const m = f.msg;
    if (this.cut(f.sender, m.to)) {
      this.write(`${describeMessage(m)} DROPPED (partition)`);
      return;
    }
    this.write(describeMessage(m));
    const err = this.node(m.to).node.step(m);
    if (err !== null) this.write(`error: ${err.code}: ${err.message}`);
  }

  cut(a: NodeId, b: NodeId): boolean {
    const group = (id: NodeId): number => this.partition.findIndex((g) => g.has(id));
    return group(a) !== group(b);
  }

  /** The configuration in effect at log index `index` on node `n`. */
  confStateAt(n: EnvNode, index: number): ConfState {
    let cs = (n.confHistory[0] as { confState: ConfState }).confState;
    for (const h of n.confHistory) if (h.index <= index) cs = h.confState;
    return canonicalConfState(cs);
  }

  private snapshotAtApplied(n: EnvNode): Snapshot | undefined {
    const stored = n.storage.storedSnapshot();
    const applied = n.node.raft.raftLog.applied;
    if (applied <= stored.metadata.index) return undefined;
    const term = n.storage.term(applied);
    return { metadata: { index: applied, term, confState: this.confStateAt(n, applied) }, data: this.snapshotData(n, applied) };
  }

  snapshotData(n: EnvNode, index: number): Uint8Array {
    return encodeState(n.applied.filter((v) => v.index <= index));
  }
}

function encodeState(values: readonly AppliedValue[]): Uint8Array {
  return encoder.encode(JSON.stringify(values));
}

function decodeState(data: Uint8Array): AppliedValue[] {
  if (data.byteLength === 0) return [];
  return JSON.parse(decoder.decode(data)) as AppliedValue[];
}
