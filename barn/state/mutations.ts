// The writes of one applied command, all at the same revision: put and delete update the record and append
// the history event in one step, so records and history never disagree. A Batch bumps the store revision
// once, at finish(), and only if something changed (a delete of a missing key writes nothing).
import type { KvEvent, KvRecord, KvWriter } from './backend.ts';
import { prefixEnd } from './key-order.ts';

export class Batch {
  readonly revision: number;
  readonly events: KvEvent[] = [];

  constructor(private readonly w: KvWriter) {
    this.revision = w.revision() + 1;
  }

  /** Creates (version 1, createRevision = this revision) or updates (version + 1) the key. */
  put(key: string, value: unknown): { record: KvRecord; prev: KvRecord | null } {
    const prev = this.w.get(key) ?? null;
    const record: KvRecord = {
      key,
      value,
      createRevision: prev?.createRevision ?? this.revision,
      modRevision: this.revision,
      version: (prev?.version ?? 0) + 1,
    };
    this.w.putRecord(record);
    this.record({ type: 'put', revision: this.revision, record });
    return { record, prev };
  }

  /** Deletes the key if present; the delete event carries the last record's revisions and a null value. */
  delete(key: string): KvRecord[] {
    const prev = this.w.get(key);
    if (prev === undefined) return [];
    this.w.deleteKey(key);
    this.record({ type: 'delete', revision: this.revision, record: { ...prev, value: null } });
    return [prev];
  }

  /** Deletes every key starting with `prefix`, in key order. */
  deletePrefix(prefix: string): KvRecord[] {
    return this.w.range(prefix, prefixEnd(prefix)).flatMap((r) => this.delete(r.key));
  }

  /** The store revision after this batch: bumped by one iff any event was written. */
  finish(): number {
    if (this.events.length === 0) return this.w.revision();
    this.w.setRevision(this.revision);
    return this.revision;
  }

  private record(event: KvEvent): void {
    this.w.appendEvent(event);
    this.events.push(event);
  }
}
