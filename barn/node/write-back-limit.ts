// How many records + events a member keeps applied in memory before its store writes them back to the env
// (LmdbStore's writeBackLimit, asked at every commit). Pure. The 100 ms write-back timer is apart from this.
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

/** `members`: voters and learners the member replicates to, itself included; `waiting`: the most writes that
 * waited on this member at once over the last one or two ticks (the node keeps it: at the commit of a busy
 * node's batch, only the few proposed since may still wait). */
export function writeBackLimit(members: number, waiting: number): number {
  if (members > 1) return MAX_UNWRITTEN;
  return waiting <= FEW_WAITING ? SOLO_WRITE_BACK_FEW : SOLO_WRITE_BACK;
}
