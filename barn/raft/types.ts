// The data of the Raft protocol, after etcd-io/raft's raftpb: entries, hard state, snapshots, configuration,
// messages and the Ready batch the node loop consumes. Plain data (JSON-serialisable: `data` is base64-free
// Uint8Array only at the transport/storage edges, which encode it), shared by the pure core (raft/), storage
// (storage/) and the transport. Ids are strings (`n1`); 0 in etcd is the empty string '' here.

export type NodeId = string;
export const NONE: NodeId = '';

export type EntryType = 'normal' | 'conf-change';

export interface Entry {
  readonly term: number;
  readonly index: number;
  readonly type: EntryType;
  /** Opaque command bytes (normal) or an encoded ConfChange (conf-change). Empty for the leader's no-op. */
  readonly data: Uint8Array;
}

/** What must be durable before messages that depend on it are sent. */
export interface HardState {
  readonly term: number;
  readonly vote: NodeId;
  readonly commit: number;
}

export const EMPTY_HARD_STATE: HardState = { term: 0, vote: NONE, commit: 0 };

export interface ConfState {
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
  /** Joint consensus: the outgoing voters while a joint change is in progress (empty otherwise). */
  readonly votersOutgoing: readonly NodeId[];
  /** Learners that become voters when the joint state is left. */
  readonly learnersNext: readonly NodeId[];
  readonly autoLeave: boolean;
}

export interface SnapshotMetadata {
  readonly index: number;
  readonly term: number;
  readonly confState: ConfState;
}

export interface Snapshot {
  readonly metadata: SnapshotMetadata;
  /** The state machine at `metadata.index`, encoded by the state machine. */
  readonly data: Uint8Array;
}

export type ConfChangeType = 'add-node' | 'remove-node' | 'add-learner';

export interface ConfChangeSingle {
  readonly type: ConfChangeType;
  readonly nodeId: NodeId;
}

/** One change (simple) or several (joint consensus, `transition` says how to leave the joint state). */
export interface ConfChange {
  readonly changes: readonly ConfChangeSingle[];
  readonly transition: 'auto' | 'implicit' | 'explicit';
  /** Opaque context (e.g. the new member's URL). */
  readonly context: string;
}

export type MessageType =
  | 'hup' // local: start an election
  | 'beat' // local: leader sends heartbeats
  | 'prop' // proposal (local, or forwarded by a follower)
  | 'app' // append entries
  | 'app-resp'
  | 'vote'
  | 'vote-resp'
  | 'pre-vote'
  | 'pre-vote-resp'
  | 'snap' // install snapshot
  | 'heartbeat'
  | 'heartbeat-resp'
  | 'unreachable' // local: transport reports a peer unreachable
  | 'snap-status' // local: transport reports snapshot delivery result
  | 'check-quorum' // local
  | 'transfer-leader'
  | 'timeout-now'
  | 'read-index'
  | 'read-index-resp';

export interface Message {
  readonly type: MessageType;
  readonly from: NodeId;
  readonly to: NodeId;
  readonly term: number;
  /** Term of the entry at `index` (app: of the entry before `entries`; vote: last log term). */
  readonly logTerm: number;
  readonly index: number;
  readonly entries: readonly Entry[];
  readonly commit: number;
  readonly snapshot?: Snapshot;
  readonly reject: boolean;
  readonly rejectHint: number;
  /** Read-index request context / campaign-transfer marker. */
  readonly context: string;
}

/** Volatile state useful for logging and status. */
export interface SoftState {
  readonly lead: NodeId;
  readonly role: 'follower' | 'candidate' | 'pre-candidate' | 'leader';
}

export interface ReadState {
  readonly index: number;
  readonly requestCtx: string;
}

/**
 * Ready: everything the node loop must do, in order:
 *   1. persist `entries`, `hardState` and `snapshot` (one durable write);
 *   2. send `messages`;
 *   3. apply `snapshot` then `committedEntries` to the state machine (storing the applied index with them);
 *   4. call `advance()`.
 */
export interface Ready {
  readonly softState?: SoftState;
  readonly hardState?: HardState;
  readonly readStates: readonly ReadState[];
  readonly entries: readonly Entry[];
  readonly snapshot?: Snapshot;
  readonly committedEntries: readonly Entry[];
  readonly messages: readonly Message[];
}

export function message(partial: Partial<Message> & Pick<Message, 'type' | 'from' | 'to'>): Message {
  return messageFrom(partial, partial.from, partial.term ?? 0);
}

const NO_ENTRIES: readonly Entry[] = Object.freeze([]);

/** A message with every field set (absent ones at their zero values) and `from` and `term` as given: one
 * object of one shape, built without spreads (the core sends several per write). */
export function messageFrom(p: Partial<Message> & Pick<Message, 'type' | 'to'>, from: NodeId, term: number): Message {
  const m: Message = {
    type: p.type,
    from,
    to: p.to,
    term,
    logTerm: p.logTerm ?? 0,
    index: p.index ?? 0,
    entries: p.entries ?? NO_ENTRIES,
    commit: p.commit ?? 0,
    reject: p.reject ?? false,
    rejectHint: p.rejectHint ?? 0,
    context: p.context ?? '',
  };
  return p.snapshot === undefined ? m : { ...m, snapshot: p.snapshot };
}
