// A BarnService over one KvBackend without Raft: writes apply directly (one transaction each), reads are
// trivially linearizable. For tests of the HTTP layer and clients; not a cluster.
import { RuninkError } from '../../common/error.ts';
import type { KvBackend, KvReader } from '../state/backend.ts';
import { applyEntry, type ApplyResult } from '../state/apply.ts';
import { encodeCommand, type Command } from '../state/commands.ts';
import { WatchHub, type WatchClose, type WatchSend, type WatchStart } from '../state/watch-hub.ts';
import type { BarnService, MemberInfo, NodeStatus } from './service.ts';

export class LocalService implements BarnService {
  private readonly hub: WatchHub;
  private memberList: MemberInfo[];

  constructor(
    readonly id: string,
    private readonly backend: KvBackend,
    url = 'http://127.0.0.1:0',
  ) {
    this.hub = new WatchHub(backend);
    this.memberList = [{ id, url, role: 'voter' }];
  }

  async write(command: Command): Promise<ApplyResult> {
    const result = this.backend.write((w) => applyEntry(w, w.appliedIndex() + 1, encodeCommand(command)));
    if (result.ok) this.hub.notify(result.events);
    return result;
  }

  async read<T>(fn: (reader: KvReader) => T): Promise<T> {
    return fn(this.backend);
  }

  watch(prefix: string, fromRevision: number | undefined, send: WatchSend, onClose: (reason: WatchClose) => void): WatchStart {
    return this.hub.watch(prefix, fromRevision, send, onClose);
  }

  status(): NodeStatus {
    const applied = this.backend.appliedIndex();
    return { id: this.id, clusterId: 'local', role: 'standalone', term: 0, leader: this.id, commitIndex: applied, appliedIndex: applied, revision: this.backend.revision(), members: this.memberList };
  }

  members(): readonly MemberInfo[] {
    return this.memberList;
  }

  async addMember(member: MemberInfo): Promise<readonly MemberInfo[]> {
    if (this.memberList.some((m) => m.id === member.id)) throw new RuninkError('BARN_MEMBER_EXISTS', `member ${member.id} already exists`);
    this.memberList = [...this.memberList, member];
    return this.memberList;
  }

  async removeMember(id: string): Promise<readonly MemberInfo[]> {
    if (!this.memberList.some((m) => m.id === id)) throw new RuninkError('BARN_UNKNOWN_MEMBER', `no member ${id}`, { id });
    this.memberList = this.memberList.filter((m) => m.id !== id);
    return this.memberList;
  }
}
