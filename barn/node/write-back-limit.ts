// How many records + events a member keeps applied in memory before its store writes them back to the env
// (LmdbStore's writeBackLimit, asked at every commit), and when the node's tick writes back before the 100 ms
// timer (earlyWriteBack). Pure.
//
// With peers: the store's default, MAX_UNWRITTEN (the timer writes back first at any load a cluster takes).
// Alone: a member without peers writes back when this limit is reached, inside the commit of a write, and that
// stalls every write in flight (docs/performance.md, stop 9), so its limit is lower: 300. With at most
// FEW_WAITING writes waiting on it, 100: one at a time, the write whose commit runs the write-back waits for all
// of it, and a third of it made the slowest 1% ~0.35 ms faster (stop 16); with more in flight, 100 only costs
// more transactions (5% of the throughput at 16 in flight).
import { MAX_UNWRITTEN } from '../storage/lmdb-store.ts';

export const SOLO_WRITE_BACK = 300;
export const SOLO_WRITE_BACK_FEW = 100;
export const FEW_WAITING = 2;

/** `members`: voters and learners the member replicates to, itself included; `waiting`: WaitingPeak.recent. */
export function writeBackLimit(members: number, waiting: number): number {
  if (members > 1) return MAX_UNWRITTEN;
  return waiting <= FEW_WAITING ? SOLO_WRITE_BACK_FEW : SOLO_WRITE_BACK;
}

/** A tick writes back early once this many records + events wait in memory, while at most EARLY_WAITING writes
 * wait on the member. */
export const EARLY_WRITE_BACK = 250;
export const EARLY_WAITING = 8;

/** Whether the node's tick (every 20 ms) writes back now rather than at the next 100 ms. A write-back stops the
 * member's loop, and every write in flight on it waits (on the leader, or on the member its client talks to).
 * With a few in flight (3 nodes, 16 in flight: ~5 a member) one every 100 ms is ~500 writes long, and those stalls
 * were the slowest 1%; written back at 250 records + events they are half as long (stop 16: p99 −22% at 3 × 16,
 * throughput −1.5%). With many in flight the longer batch saves transactions (at 3 × 64 the same rule cost 6%
 * of the throughput and no p99), and at one write at a time 100 ms holds fewer than 250. */
export function earlyWriteBack(unwritten: number, waiting: number): boolean {
  return unwritten >= EARLY_WRITE_BACK && waiting <= EARLY_WAITING;
}

/** The most writes that waited on the member at once over the last one or two ticks (how many are in flight:
 * at the commit of a busy node's batch, only the few proposed since may still wait). The node notes every
 * write it proposes and calls tick() at each of its ticks with how many wait then. */
export class WaitingPeak {
  private peak = 0;
  private peakBefore = 0;

  note(waiting: number): void {
    if (waiting > this.peak) this.peak = waiting;
  }

  tick(waiting: number): void {
    this.peakBefore = this.peak;
    this.peak = waiting;
  }

  get recent(): number {
    return Math.max(this.peak, this.peakBefore);
  }
}
