// A store's background write-back (write-back mode): what waits in memory — the log tail (log-tail.ts) and the
// KV overlay (kv-overlay.ts) — packed into one transaction that the background writer's thread commits
// (background-writer.ts) while the event loop goes on.
//
// Ownership: LmdbStore owns one. While a write-back is in flight what it took stays readable in memory (the tail
// keeps its entries, the overlay stays a layer below a new one) and leaves memory only when poll() or settle()
// sees it committed, on the event loop; they return the env's log as it then is. One in flight at a time; the
// store settles before each of its own write transactions, so the env's writes keep their order.
import type { RootDatabase } from 'lmdb';
import type { HardState } from '../raft/types.ts';
import { BackgroundWriter } from './background-writer.ts';
import { encodeEntry, encodeJson, u64Key } from './codec.ts';
import { META } from './lmdb-env.ts';
import type { LmdbKv } from './lmdb-kv.ts';
import type { LogState } from './lmdb-log.ts';
import type { LogTail } from './log-tail.ts';
import { WriteBackOps } from './write-back-ops.ts';

interface InFlight {
  /** The log the env holds once it committed (the store's log when it began). */
  readonly log: LogState;
  /** How many of the tail's first entries it writes. */
  readonly entries: number;
  /** The tail's hard-state version it wrote (a newer one stays pending). */
  readonly hardVersion: number;
}

export class BackgroundWriteBack {
  private readonly writer: BackgroundWriter;
  private inFlight: InFlight | undefined;

  constructor(dir: string, private readonly root: RootDatabase, private readonly tail: LogTail, private readonly kv: LmdbKv) {
    this.writer = new BackgroundWriter(dir);
  }

  get busy(): boolean {
    return this.inFlight !== undefined;
  }

  /** The last index the write-back in flight writes (0: none): the tail must not be cut at or below it. */
  get inFlightLastIndex(): number {
    return this.inFlight?.log.lastIndex ?? 0;
  }

  /** Begins one with the whole tail (and `hard` if pending) and the overlay; the caller checks !busy. */
  begin(log: LogState, hard: HardState): void {
    const ops = new WriteBackOps();
    for (const e of this.tail.entries) ops.put('log', u64Key(e.index), encodeEntry(e));
    if (this.tail.hardPending) ops.put('meta', META.hardState, encodeJson(hard));
    this.kv.detachForBackground(ops);
    this.inFlight = { log, entries: this.tail.length, hardVersion: this.tail.hardVersion };
    this.writer.submit(ops.pack());
  }

  /** Without blocking: the env's log if the write-back in flight just finished. Throws ENV_FAILED. */
  poll(): LogState | undefined {
    return this.writer.poll().kind === 'finished' ? this.written() : undefined;
  }

  /** Blocks until the write-back in flight (if any) finished: then the env's log. Throws ENV_FAILED. */
  settle(): LogState | undefined {
    return this.writer.settle().kind === 'finished' ? this.written() : undefined;
  }

  close(): Promise<void> {
    return this.writer.close();
  }

  /** What it wrote leaves memory; reads see the env as it is now (a new read transaction). */
  private written(): LogState | undefined {
    const done = this.inFlight;
    if (done === undefined) return undefined;
    this.inFlight = undefined;
    this.root.resetReadTxn();
    this.kv.backgroundWritten();
    this.tail.dropFirst(done.entries);
    if (done.hardVersion === this.tail.hardVersion) this.tail.hardPending = false;
    return done.log;
  }
}
