// Inflights: the append messages sent to one follower in replicate state and not yet acknowledged, as a FIFO
// of (last index, bytes). The leader stops sending when `maxMsgs` messages or `maxBytes` bytes are in
// flight; an acknowledgement of index i frees every message whose last index is ≤ i.
export class Inflights {
  // The FIFO is [head, indexes.length) of two parallel arrays: adding and freeing allocate nothing per message
  // (a leader adds one per append and frees on every acknowledgement); the freed prefix is dropped once it
  // is at least half of the arrays.
  private indexes: number[] = [];
  private sizes: number[] = [];
  private head = 0;
  private totalBytes = 0;

  constructor(
    readonly maxMsgs: number,
    /** 0 = no byte limit. */
    readonly maxBytes: number = 0,
  ) {}

  clone(): Inflights {
    const c = new Inflights(this.maxMsgs, this.maxBytes);
    c.indexes = this.indexes.slice(this.head);
    c.sizes = this.sizes.slice(this.head);
    c.totalBytes = this.totalBytes;
    return c;
  }

  /** Indexes must be added in increasing order (the order messages are sent). */
  add(index: number, bytes: number): void {
    this.indexes.push(index);
    this.sizes.push(bytes);
    this.totalBytes += bytes;
  }

  freeLE(to: number): void {
    const end = this.indexes.length;
    let h = this.head;
    while (h < end && (this.indexes[h] as number) <= to) {
      this.totalBytes -= this.sizes[h] as number;
      h++;
    }
    if (h === end) return this.reset();
    this.head = h;
    if (h >= 64 && h * 2 >= end) {
      this.indexes = this.indexes.slice(h);
      this.sizes = this.sizes.slice(h);
      this.head = 0;
    }
  }

  full(): boolean {
    return this.count() >= this.maxMsgs || (this.maxBytes > 0 && this.totalBytes >= this.maxBytes);
  }

  count(): number {
    return this.indexes.length - this.head;
  }

  bytes(): number {
    return this.totalBytes;
  }

  reset(): void {
    this.indexes.length = 0;
    this.sizes.length = 0;
    this.head = 0;
    this.totalBytes = 0;
  }
}
