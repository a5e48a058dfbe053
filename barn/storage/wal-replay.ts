// What a segment's records add up to: the latest snapshot, the latest hard state and the log after the
// snapshot. Pure. The fold follows the write side's rules (LmdbStore): an entries record starting at index i
// replaces every entry ≥ i (a conflicting suffix), a snapshot record drops what it covers (and everything, when
// the log does not contain the snapshot's own entry with its term), the last hard state wins.
import type { Entry, HardState, SnapshotMetadata } from '../raft/types.ts';
import { STORAGE_ERRORS, storageError } from './errors.ts';
import type { WalHeader, WalRecord } from './wal-codec.ts';

export interface WalState {
  readonly header: WalHeader | undefined;
  readonly snapshot: SnapshotMetadata | undefined;
  readonly hardState: HardState | undefined;
  /** Contiguous, all after snapshot.index. */
  readonly entries: readonly Entry[];
}

export function replayRecords(records: readonly WalRecord[], segment: string): WalState {
  let header: WalHeader | undefined;
  let snapshot: SnapshotMetadata | undefined;
  let hardState: HardState | undefined;
  let entries: Entry[] = [];
  for (const record of records) {
    switch (record.type) {
      case 'header':
        header ??= record.header;
        break;
      case 'hard-state':
        hardState = record.hardState;
        break;
      case 'snapshot': {
        const m = record.metadata;
        if (snapshot !== undefined && m.index <= snapshot.index) break;
        const own = entries.find((e) => e.index === m.index);
        entries = own !== undefined && own.term === m.term ? entries.filter((e) => e.index > m.index) : [];
        snapshot = m;
        break;
      }
      case 'entries':
        entries = appendReplayed(entries, record.entries, snapshot?.index ?? 0, segment);
        break;
    }
  }
  return { header, snapshot, hardState, entries };
}

function appendReplayed(log: Entry[], added: readonly Entry[], snapshotIndex: number, segment: string): Entry[] {
  const fresh = added.filter((e) => e.index > snapshotIndex);
  const first = fresh[0];
  if (first === undefined) return log;
  const base = log.length > 0 ? (log[0] as Entry).index : snapshotIndex + 1;
  const last = base + log.length - 1;
  if (first.index > last + 1) {
    throw storageError(STORAGE_ERRORS.CORRUPT, `write-ahead log ${segment} has a hole: entry ${first.index} follows ${last}`, {
      segment,
      index: first.index,
      lastIndex: last,
    });
  }
  for (let k = 1; k < fresh.length; k++) {
    const prev = (fresh[k - 1] as Entry).index;
    const index = (fresh[k] as Entry).index;
    if (index !== prev + 1) {
      throw storageError(STORAGE_ERRORS.CORRUPT, `write-ahead log ${segment} has a hole: entry ${index} follows ${prev}`, {
        segment,
        index,
        lastIndex: prev,
      });
    }
  }
  return log.slice(0, Math.max(0, first.index - base)).concat(fresh);
}
