// Where a WAL segment's entries frames are, and the last index each holds: what lets a rotation carry the
// entries after a snapshot over to the new segment as bytes (wal.ts rotate, seed.entries 'carried') instead of
// reading them from the env and encoding them again (10–30 ms on the event loop for ~4,000 entries, measured at 64
// in flight on 3 nodes when a thread wrote the snapshot and the cluster went on meanwhile; docs/performance.md).
//
// Contract: frames are added in file order. carryFrom(i) is the offset of the first frame holding an entry after
// i. Every frame before it holds entries ≤ i only, so the records from there on, replayed after a snapshot at i,
// give the same log after i as the whole segment (wal-replay.ts drops entries at or below the snapshot and lets
// a later entries record replace a conflicting suffix). Its entry i+1, if any, is in that first frame: the
// frame's first entry is at most i+1, else entry i+1 was written by an earlier frame, which would hold an entry
// after i.
import type { WalRecord } from './wal-codec.ts';

export class EntryFrames {
  private readonly offsets: number[] = [];
  private readonly lasts: number[] = [];

  /** The entries frames among a segment's decoded records (`starts`: each record's offset). */
  static of(records: readonly WalRecord[], starts: readonly number[]): EntryFrames {
    const frames = new EntryFrames();
    records.forEach((r, k) => {
      if (r.type === 'entries' && r.entries.length > 0) frames.add(starts[k]!, r.entries.at(-1)!.index);
    });
    return frames;
  }

  add(offset: number, lastIndex: number): void {
    this.offsets.push(offset);
    this.lasts.push(lastIndex);
  }

  /** The offset of the first frame holding an entry after `index`, or undefined when none does. */
  carryFrom(index: number): number | undefined {
    for (let k = 0; k < this.lasts.length; k++) if (this.lasts[k]! > index) return this.offsets[k];
    return undefined;
  }

  /** The frames at or after `from`, moved to start at `to` (where a rotation writes them in the new segment). */
  moved(from: number, to: number): EntryFrames {
    const out = new EntryFrames();
    for (let k = 0; k < this.offsets.length; k++) if (this.offsets[k]! >= from) out.add(this.offsets[k]! - from + to, this.lasts[k]!);
    return out;
  }
}
