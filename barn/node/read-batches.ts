// Linearizable reads through Raft's read index, batched: every read that arrives before the next loop pass
// joins one batch, and one read-index round serves the whole batch. A batch is answered once the node has
// applied up to the index the round returned (so it sees every write acknowledged before the reads began),
// or fails with BARN_TIMEOUT.
import { RuninkError } from '../../common/error.ts';
import type { ReadState } from '../raft/types.ts';

interface Batch {
  readonly ctx: string;
  readonly waiters: Array<{ resolve(): void; reject(e: Error): void }>;
  index?: number;
  readonly timer: NodeJS.Timeout;
}

export class ReadBatches {
  private readonly inFlight = new Map<string, Batch>();
  private next: Batch | undefined;
  private seq = 0;

  constructor(
    private readonly nodeId: string,
    private readonly timeoutMs: number,
  ) {}

  /** Queues a read; `resolve` runs when the read may be served from the local replica. */
  add(resolve: () => void, reject: (e: Error) => void): void {
    (this.next ?? this.open()).waiters.push({ resolve, reject });
  }

  /** The context of the batch to start a read-index round for (at most one per loop pass), if any. */
  takePending(): string | undefined {
    const batch = this.next;
    if (batch === undefined) return undefined;
    this.next = undefined;
    this.inFlight.set(batch.ctx, batch);
    return batch.ctx;
  }

  onReadStates(states: readonly ReadState[]): void {
    for (const rs of states) {
      const batch = this.inFlight.get(rs.requestCtx);
      if (batch) batch.index = rs.index;
    }
  }

  /** Answers every batch whose read index is applied. */
  serve(applied: number): void {
    for (const [ctx, batch] of this.inFlight) {
      if (batch.index === undefined || batch.index > applied) continue;
      this.inFlight.delete(ctx);
      clearTimeout(batch.timer);
      for (const w of batch.waiters) w.resolve();
    }
  }

  /** Some read is queued or waiting for its read index to be applied. */
  waiting(): boolean {
    return this.next !== undefined || this.inFlight.size > 0;
  }

  failAll(e: Error): void {
    for (const b of [...this.inFlight.values(), ...(this.next ? [this.next] : [])]) fail(b, e);
    this.inFlight.clear();
    this.next = undefined;
  }

  private open(): Batch {
    const ctx = `${this.nodeId}-${++this.seq}`;
    const batch: Batch = {
      ctx,
      waiters: [],
      timer: setTimeout(() => {
        this.inFlight.delete(ctx);
        if (this.next === batch) this.next = undefined;
        fail(batch, new RuninkError('BARN_TIMEOUT', 'linearizable read timed out (no quorum?); retry, or read with ?stale=true'));
      }, this.timeoutMs),
    };
    this.next = batch;
    return batch;
  }
}

function fail(batch: Batch, e: Error): void {
  clearTimeout(batch.timer);
  for (const w of batch.waiters) w.reject(e);
}
