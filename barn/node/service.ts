// BarnService: what the HTTP API (and an embedded caller such as `runi up`) asks of a Barn node. The Raft
// node (node/barn-node.ts) implements it; LocalService (node/local-service.ts) implements it over a KvBackend
// without replication, for tests of the API layer.
//
// Contracts:
// - write() resolves once the command is committed AND applied on this node, with the state machine's result
//   (a failed compare is a result, not a throw). It rejects with RuninkError BARN_NOT_LEADER /
//   BARN_UNAVAILABLE / BARN_TIMEOUT when the outcome is unknown or the cluster cannot take writes now.
// - read() is linearizable unless `stale`: it returns state at least as new as every write acknowledged
//   before read() was called, anywhere in the cluster.
import type { KvReader } from '../state/backend.ts';
import type { ApplyResult } from '../state/apply.ts';
import type { Command } from '../state/commands.ts';
import type { WatchClose, WatchSend, WatchStart } from '../state/watch-hub.ts';

export interface MemberInfo {
  readonly id: string;
  readonly url: string;
  readonly role: 'voter' | 'learner';
}

export interface NodeStatus {
  readonly id: string;
  readonly clusterId: string;
  readonly role: 'leader' | 'follower' | 'candidate' | 'pre-candidate' | 'standalone';
  readonly term: number;
  readonly leader: string;
  readonly commitIndex: number;
  readonly appliedIndex: number;
  readonly revision: number;
  readonly members: readonly MemberInfo[];
}

export interface BarnService {
  readonly id: string;
  write(command: Command): Promise<ApplyResult>;
  /** Runs fn against a reader that is linearizable (default) or the local replica (`stale`). */
  read<T>(fn: (reader: KvReader) => T, options?: { stale?: boolean }): Promise<T>;
  watch(prefix: string, fromRevision: number | undefined, send: WatchSend, onClose: (reason: WatchClose) => void): WatchStart;
  status(): NodeStatus;
  members(): readonly MemberInfo[];
  addMember(member: MemberInfo): Promise<readonly MemberInfo[]>;
  removeMember(id: string): Promise<readonly MemberInfo[]>;
}
