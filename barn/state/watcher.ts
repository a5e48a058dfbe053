// One watch: the events of keys in [start, end) with revision > `last`, delivered in revision order, each once.
// Two modes:
// - catch-up: read history in pages from last + 1 (live events are ignored: history already holds them, since
//   notify is called after the write committed); when history is exhausted, switch to live.
// - live: take the events handed to notify(); events at or below `last` are dropped (no duplicates). A batch
//   that starts above last + 1 means some batch was never notified: fall back to catch-up (no skips).
// Backpressure: send() returning false pauses delivery until resume(). A paused live watcher buffers; past
// `maxBuffered` events it closes with BARN_WATCH_OVERFLOW. A paused catch-up watcher reads nothing (history
// is its buffer). Synchronous: no timers.
import type { KvEvent, KvReader } from './backend.ts';
import { inRange } from './key-order.ts';

/** Delivers a batch (whole revisions, in order). Return false to pause until resume(). Must not throw. */
export type WatchSend = (events: readonly KvEvent[]) => boolean | void;

/** Why the hub closed a watch. The client resumes with a new watch from `lastRevision + 1`. */
export interface WatchClose {
  readonly code: 'BARN_WATCH_OVERFLOW' | 'BARN_COMPACTED';
  readonly message: string;
  readonly lastRevision: number;
  readonly compactedRevision?: number;
}

export interface WatcherLimits {
  readonly maxBuffered: number;
  readonly pageSize: number;
}

export class Watcher {
  private mode: 'catch-up' | 'live' | 'closed' = 'catch-up';
  private paused = false;
  private buffer: KvEvent[] = [];
  /** Every event with revision ≤ last was delivered, buffered or did not match. */
  private last: number;

  constructor(
    readonly id: number,
    private readonly reader: KvReader,
    private readonly start: string,
    private readonly end: string | undefined,
    fromRevision: number,
    private readonly send: WatchSend,
    private readonly onClose: (reason: WatchClose) => void,
    private readonly limits: WatcherLimits,
  ) {
    this.last = fromRevision - 1;
  }

  /** The client has every matching event up to this revision. */
  progress(): number {
    return this.buffer.length === 0 ? this.last : this.buffer[0]!.revision - 1;
  }

  isClosed(): boolean {
    return this.mode === 'closed';
  }

  /** Delivers from history while not paused, until caught up (then live) or closed. */
  pump(): void {
    while (this.mode === 'catch-up' && !this.paused) {
      const compacted = this.reader.compactedRevision();
      if (this.last + 1 < compacted) {
        this.close({ code: 'BARN_COMPACTED', message: `revision ${this.last + 1} is compacted`, lastRevision: this.last, compactedRevision: compacted });
        return;
      }
      const page = this.readPage();
      if (page === 'caught-up') {
        this.last = Math.max(this.last, this.reader.revision());
        this.mode = 'live';
        return;
      }
      this.last = page.upTo;
      this.deliver(page.events);
    }
  }

  notify(events: readonly KvEvent[]): void {
    if (this.mode !== 'live' || events.length === 0) return;
    if (events[0]!.revision > this.last + 1) return this.fallBack();
    const matching = events.filter((e) => e.revision > this.last && inRange(e.record.key, this.start, this.end));
    this.last = Math.max(this.last, events.at(-1)!.revision);
    if (!this.paused) return this.deliver(matching);
    this.buffer.push(...matching);
    if (this.buffer.length > this.limits.maxBuffered) {
      const lastRevision = this.progress();
      this.close({ code: 'BARN_WATCH_OVERFLOW', message: `more than ${this.limits.maxBuffered} events waiting`, lastRevision });
    }
  }

  /** Re-checks against the store: a live watcher behind the store revision catches up from history. */
  resync(): void {
    if (this.mode === 'live' && this.reader.revision() > this.last) this.fallBack();
  }

  resume(): void {
    if (this.mode === 'closed' || !this.paused) return;
    this.paused = false;
    if (this.mode === 'catch-up') return this.pump();
    const pending = this.buffer;
    this.buffer = [];
    this.deliver(pending);
  }

  /** Stops delivery without calling onClose. */
  cancel(): void {
    this.mode = 'closed';
    this.buffer = [];
  }

  private close(reason: WatchClose): void {
    this.cancel();
    this.onClose(reason);
  }

  /** Drops the buffer and re-reads history after what the client already has. */
  private fallBack(): void {
    this.last = this.progress();
    this.buffer = [];
    this.mode = 'catch-up';
    this.pump();
  }

  private deliver(events: readonly KvEvent[]): void {
    if (events.length === 0 || this.mode === 'closed') return;
    if (this.send(events) === false && !this.isClosed()) this.paused = true;
  }

  /** The next history page of whole revisions, and the revision it covers up to. */
  private readPage(): { events: KvEvent[]; upTo: number } | 'caught-up' {
    for (let size = this.limits.pageSize; ; size *= 2) {
      // One event more than the page: it tells whether the page's last revision is complete.
      const events = this.reader.history(this.start, this.end, this.last + 1, size + 1);
      if (events.length <= size) return events.length === 0 ? 'caught-up' : { events, upTo: this.reader.revision() };
      const next = events.pop()!.revision;
      const whole = events.filter((e) => e.revision < next);
      if (whole.length > 0) return { events: whole, upTo: next - 1 };
    }
  }
}
