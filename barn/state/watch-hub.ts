// WatchHub: every watch of one replica. Guarantees to each watcher: events of its prefix with revision ≥ its
// fromRevision, in revision order, none skipped, none twice — across the switch from history (catch-up) to
// live events, across pauses, and when a notify() was missed (a gap falls back to history). A watcher that
// cannot be served is closed with a reason (BARN_COMPACTED, BARN_WATCH_OVERFLOW) and re-watches from
// `lastRevision + 1`.
//
// Contract for the caller (the node loop): after each write transaction commits, call notify() with the
// events it wrote (ApplyOk.events of the batch, in order); after restoring a snapshot, call resync().
// Synchronous and single-threaded: send() is called from inside watch(), notify(), resume() and resync().
import type { KvEvent, KvReader } from './backend.ts';
import type { StateError } from './errors.ts';
import { stateError } from './errors.ts';
import { prefixEnd } from './key-order.ts';
import type { WatchClose, WatchSend } from './watcher.ts';
import { Watcher } from './watcher.ts';

export type { WatchClose, WatchSend } from './watcher.ts';

export interface WatchHubOptions {
  /** Events a paused watcher may hold before it is closed with BARN_WATCH_OVERFLOW (default 1000). */
  readonly maxBufferedEvents?: number;
  /** History events read per catch-up page (default 500). */
  readonly catchUpPageSize?: number;
}

export interface WatchHandle {
  readonly id: number;
  /** Every matching event up to this revision has been sent: re-watch from here + 1. */
  lastRevision(): number;
  /** Continues delivery after send() returned false. */
  resume(): void;
  /** Ends the watch; onClose is not called. Idempotent. */
  cancel(): void;
  isClosed(): boolean;
}

export type WatchStart = { readonly ok: true; readonly handle: WatchHandle } | StateError;

export class WatchHub {
  private readonly watchers = new Map<number, Watcher>();
  private nextId = 1;
  private readonly maxBuffered: number;
  private readonly pageSize: number;

  constructor(
    private readonly reader: KvReader,
    options: WatchHubOptions = {},
  ) {
    this.maxBuffered = options.maxBufferedEvents ?? 1000;
    this.pageSize = Math.max(1, options.catchUpPageSize ?? 500);
  }

  /**
   * Watches keys starting with `prefix` ('' = all) from `fromRevision` (undefined or 0 = from the next
   * revision: live events only). History from fromRevision is sent before watch() returns (unless send pauses).
   */
  watch(prefix: string, fromRevision: number | undefined, send: WatchSend, onClose: (reason: WatchClose) => void = () => {}): WatchStart {
    const from = fromRevision === undefined || fromRevision <= 0 ? this.reader.revision() + 1 : fromRevision;
    const compacted = this.reader.compactedRevision();
    if (from < compacted) {
      return stateError('BARN_COMPACTED', `revision ${from} is compacted (history starts at ${compacted})`, { compactedRevision: compacted });
    }
    const id = this.nextId++;
    const closed = (reason: WatchClose): void => {
      this.watchers.delete(id);
      onClose(reason);
    };
    const limits = { maxBuffered: this.maxBuffered, pageSize: this.pageSize };
    const watcher = new Watcher(id, this.reader, prefix, prefixEnd(prefix), from, send, closed, limits);
    this.watchers.set(id, watcher);
    watcher.pump();
    return { ok: true, handle: this.handleOf(watcher) };
  }

  /** Hands the events of a committed write transaction (in revision order) to every watcher. */
  notify(events: readonly KvEvent[]): void {
    if (events.length === 0) return;
    for (const w of [...this.watchers.values()]) w.notify(events);
  }

  /** Brings every watcher in line with the store (after a snapshot restore, or when notify may have been missed). */
  resync(): void {
    for (const w of [...this.watchers.values()]) w.resync();
  }

  /** Open watches. */
  size(): number {
    return this.watchers.size;
  }

  private handleOf(watcher: Watcher): WatchHandle {
    return {
      id: watcher.id,
      lastRevision: () => watcher.progress(),
      resume: () => watcher.resume(),
      cancel: () => {
        watcher.cancel();
        this.watchers.delete(watcher.id);
      },
      isClosed: () => watcher.isClosed(),
    };
  }
}
