// A configuration-change entry, applied inside the apply transaction (apply-committed.ts): the new ConfState,
// the member's URL (member-book.ts) and the applied index commit together. The proposer's request id travels in
// the change's JSON context ({ url?, requestId? }); the node resolves that caller after the transaction.
import { RawNode } from '../raft/raw-node.ts';
import type { Entry } from '../raft/types.ts';
import type { KvEvent } from '../state/backend.ts';
import type { LmdbKvWriter } from '../storage/lmdb-kv.ts';
import type { MemberBook } from './member-book.ts';

export interface AppliedConfChange {
  /** The member book's KV events (a member remembered or forgotten). */
  readonly events: KvEvent[];
  /** The request id of the proposal, when the context carries one. */
  readonly requestId: string | undefined;
}

export function applyConfChangeEntry(entry: Entry, w: LmdbKvWriter, raw: RawNode, book: MemberBook): AppliedConfChange {
  const cc = RawNode.confChangeOf(entry.data);
  w.setConfState(raw.applyConfChange(cc));
  const context = confContext(cc.context);
  const events: KvEvent[] = [];
  for (const change of cc.changes) {
    if (change.type === 'remove-node') events.push(...book.forget(w, change.nodeId));
    else if (typeof context.url === 'string') events.push(...book.remember(w, { id: change.nodeId, url: context.url, role: change.type === 'add-learner' ? 'learner' : 'voter' }));
  }
  w.setAppliedIndex(entry.index);
  return { events, requestId: typeof context.requestId === 'string' ? context.requestId : undefined };
}

/** A change's context as an object; anything that is not JSON reads as empty. */
export function confContext(text: string): { url?: unknown; requestId?: unknown } {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as { url?: unknown; requestId?: unknown }) : {};
  } catch {
    return {};
  }
}
