// Inflights: the append messages sent to one follower in replicate state and not yet acknowledged, as a FIFO
// of (last index, bytes). The leader stops sending when `maxMsgs` messages or `maxBytes` bytes are in
// flight; an acknowledgement of index i frees every message whose last index is ≤ i.
export interface Inflight {
  readonly index: number;
  readonly bytes: number;
}

export class Inflights {
  private queue: Inflight[] = [];
  private totalBytes = 0;

  constructor(
    readonly maxMsgs: number,
    /** 0 = no byte limit. */
    readonly maxBytes: number = 0,
  ) {}

  clone(): Inflights {
    const c = new Inflights(this.maxMsgs, this.maxBytes);
    c.queue = [...this.queue];
    c.totalBytes = this.totalBytes;
    return c;
  }

  /** Indexes must be added in increasing order (the order messages are sent). */
  add(index: number, bytes: number): void {
    this.queue.push({ index, bytes });
    this.totalBytes += bytes;
  }

  freeLE(to: number): void {
    let n = 0;
    while (n < this.queue.length && (this.queue[n] as Inflight).index <= to) {
      this.totalBytes -= (this.queue[n] as Inflight).bytes;
      n++;
    }
    if (n > 0) this.queue = this.queue.slice(n);
  }

  full(): boolean {
    return this.queue.length >= this.maxMsgs || (this.maxBytes > 0 && this.totalBytes >= this.maxBytes);
  }

  count(): number {
    return this.queue.length;
  }

  bytes(): number {
    return this.totalBytes;
  }

  reset(): void {
    this.queue = [];
    this.totalBytes = 0;
  }
}
