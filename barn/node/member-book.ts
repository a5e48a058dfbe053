// Where members can be reached. Raft's configuration says WHO the members are (ids, voter or learner); the
// member book says WHERE (URL). URLs of members added at runtime are written to the replicated key/value store
// under `/barn/members/<id>` by the same apply transaction as the configuration change (so every replica
// agrees); members of the first configuration come from the command line (`--peers`).
import type { KvEvent, KvReader, KvWriter } from '../state/backend.ts';
import { applyCommand } from '../state/apply.ts';
import { prefixEnd } from '../state/key-order.ts';
import type { ConfState, NodeId } from '../raft/types.ts';
import type { MemberInfo } from './service.ts';

export const MEMBERS_PREFIX = '/barn/members/';

export class MemberBook {
  constructor(
    private readonly kv: KvReader,
    private readonly initial: readonly MemberInfo[],
  ) {}

  /** URL of every known member by id (replicated entries override the command line). */
  urls(): Map<NodeId, string> {
    const out = new Map<NodeId, string>();
    for (const m of this.initial) out.set(m.id, m.url);
    for (const r of this.kv.range(MEMBERS_PREFIX, prefixEnd(MEMBERS_PREFIX))) {
      const v = r.value as { url?: unknown };
      if (typeof v?.url === 'string') out.set(r.key.slice(MEMBERS_PREFIX.length), v.url);
    }
    return out;
  }

  /** The members of a configuration, in id order. */
  list(cs: ConfState): MemberInfo[] {
    const urls = this.urls();
    const voters = new Set([...cs.voters, ...cs.votersOutgoing]);
    const ids = [...new Set([...voters, ...cs.learners, ...cs.learnersNext])].sort();
    return ids.map((id) => ({ id, url: urls.get(id) ?? '', role: voters.has(id) ? 'voter' : 'learner' }));
  }

  remember(w: KvWriter, member: MemberInfo): readonly KvEvent[] {
    const r = applyCommand(w, { type: 'put', key: `${MEMBERS_PREFIX}${member.id}`, value: { url: member.url, role: member.role } });
    return r.ok ? r.events : [];
  }

  forget(w: KvWriter, id: NodeId): readonly KvEvent[] {
    const r = applyCommand(w, { type: 'delete', key: `${MEMBERS_PREFIX}${id}` });
    return r.ok ? r.events : [];
  }
}
