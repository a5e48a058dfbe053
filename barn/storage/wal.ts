// The write-ahead log: what makes a Barn node's Raft state durable (entries, hard state, snapshot metadata),
// with ONE fdatasync per Ready, as etcd's WAL does. The LMDB env holds the same log and the state machine and
// is written without flushing (lmdb-store.ts explains when it is trusted and how it is rebuilt from here).
//
// Files: `wal-<seq>.log` in the data dir, framed records (wal-codec.ts). A segment is self-contained: it starts
// with a header, the latest snapshot record, the latest hard state and the entries after the snapshot
// (`rotate`), so only the newest segment is ever read and older ones are deleted once a newer one is durable.
// The node rotates when it takes a snapshot, so a segment holds at most one snapshot interval of entries.
//
// Contracts:
//   append   writes records at the end of the segment (one write; in the page cache, not yet durable).
//   sync     makes everything appended before the call durable (fdatasync, off the event loop); syncNow the same,
//            blocking. Appends may continue while a sync is in flight; they are covered by the next one.
//   rotate   writes a new segment to a temporary file (or to the one prepareRotation allocated and flushed
//            ahead, off the event loop: then only the new records are flushed), fdatasyncs it, renames it and
//            fsyncs the dir (durable under its final name on return), then switches appends to it; older
//            segments are deleted on libuv's pool (a 32 MB unlink took 6–8 ms on the loop; a crash first leaves
//            them to the next open). The
//            entries after the seed's snapshot are given, or carried over from the current segment as written
//            (wal-entry-frames.ts).
//   open     reads the newest segment; a torn tail (cut-short or bad-CRC frame: a crash while appending) is cut
//            off — the file truncated to its last good frame and zero-filled again — and reported.
import { close, closeSync, fdatasync, fdatasyncSync, fsyncSync, ftruncate, ftruncateSync, open, openSync, readFileSync, readSync, readdirSync, renameSync, rmSync, write } from 'node:fs';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { join } from 'node:path';
import type { Entry, HardState, SnapshotMetadata } from '../raft/types.ts';
import { STORAGE_ERRORS, storageError } from './errors.ts';
import { decodeFrames, encodeFrame, encodeRecords, joinFrames, type WalHeader, type WalRecord } from './wal-codec.ts';
import { EntryFrames } from './wal-entry-frames.ts';
import { replayRecords, type WalState } from './wal-replay.ts';
import { fsyncDir, writeAll } from './fs-sync.ts';

/** Bytes a new segment is preallocated to (a file of zeros; it grows past this if needed). Opening
 * reads the newest segment whole, so this bounds that read: one snapshot interval of entries (50,000 by
 * default, ~18 MB of 256-byte writes) fits. */
export const SEGMENT_BYTES = 32 * 1024 * 1024;

/** Inside the preallocated size, appends overwrite zeros that were written, never a hole: writing into a hole
 * allocates blocks, so every fdatasync would also commit file-system metadata (a journal commit, which the
 * syncs of other processes on the same file system queue behind). The zeros are written this many bytes ahead
 * of the appends; the first sync after them makes them durable with the records. */
const ZERO_AHEAD = 1024 * 1024;

// prepareRotation works on raw fds (as rotate and append do) off the event loop
const openFd = promisify(open);
const ftruncateFd = promisify(ftruncate);
const writeFd = promisify(write);
const fdatasyncFd = promisify(fdatasync);
const closeFd = promisify(close);

const NAME = /^wal-(\d{20})\.log(\.tmp|\.spare)?$/;

export interface WalIdentity {
  readonly clusterId: string;
  readonly nodeId: string;
}

export interface WalSeed {
  readonly snapshot: SnapshotMetadata;
  readonly hardState: HardState;
  /** The log after the snapshot; 'carried': the current segment's records from the first one holding an entry
   * after the snapshot, copied as they are (a rotation of an open WAL only). */
  readonly entries: readonly Entry[] | 'carried';
}

export interface OpenedWal {
  /** undefined when the dir has no segment yet (a fresh dir, or one written before the WAL existed). */
  readonly wal: Wal | undefined;
  readonly state: WalState | undefined;
  /** Set when a torn tail was cut off the newest segment. */
  readonly repaired: { readonly segment: string; readonly offset: number; readonly bytes: number } | undefined;
}

export function walSegmentPath(dir: string, seq: number): string {
  return join(dir, `wal-${String(seq).padStart(20, '0')}.log`);
}

/** Opens the newest segment of `dir`. Throws CLUSTER_MISMATCH (nothing changed) when it belongs to another
 * cluster or node, CORRUPT when its first record is not a header. */
export function openWal(dir: string, identity: WalIdentity, opts: { noSync?: boolean; segmentBytes?: number } = {}): OpenedWal {
  const { seqs: segments, tmps } = scanDir(dir);
  const newest = segments.at(-1);
  if (newest === undefined) {
    removeAll(dir, tmps);
    return { wal: undefined, state: undefined, repaired: undefined };
  }
  const path = walSegmentPath(dir, newest);
  const buf = readFileSync(path);
  const decoded = decodeFrames(buf);
  const first = decoded.records[0];
  if (first?.type !== 'header') {
    throw storageError(STORAGE_ERRORS.CORRUPT, `write-ahead log ${path} does not start with a header; move the data dir away and let the node rejoin`, { segment: path });
  }
  checkIdentity(path, first.header, identity);
  const state = replayRecords(decoded.records, path);
  removeAll(dir, tmps);
  const wal = new Wal(dir, newest, opts);
  // Zero-fill after the end whenever anything is there, not only for a torn tail: bytes past a zero length (an
  // unsynced append whose first page was lost but a later page kept) could otherwise line up with a later
  // append and replay as records that were never acknowledged.
  wal.openAt(decoded.end, decoded.tornBytes > 0 || !allZero(buf.subarray(decoded.end)), EntryFrames.of(decoded.records, decoded.starts));
  for (const seq of segments) if (seq < newest) rmSync(walSegmentPath(dir, seq), { force: true });
  const repaired = decoded.tornBytes > 0 ? { segment: path, offset: decoded.end, bytes: decoded.tornBytes } : undefined;
  return { wal, state, repaired };
}

/** Creates the first segment of a dir (from `seed`), durable on return. */
export function createWal(dir: string, identity: WalIdentity, seed: WalSeed, opts: { noSync?: boolean; segmentBytes?: number } = {}): Wal {
  const wal = new Wal(dir, (listSegments(dir).at(-1) ?? 0), opts);
  wal.rotate(identity, seed);
  return wal;
}

export class Wal {
  private fd = -1;
  private offset = 0;
  private closed = false;
  /** A write or rotation that failed part-way: every later call is refused. */
  private failed: unknown;
  /** Every sync in flight (settled promises: never reject), removed when done. */
  private readonly syncing = new Set<Promise<void>>();
  /** Older segments being deleted (never reject: one left behind is deleted by the next open). */
  private removing: Promise<unknown> = Promise.resolve();
  private readonly noSync: boolean;
  private readonly segmentBytes: number;
  /** Bytes of the segment known to be written (records or zeros, ZERO_AHEAD); never below `offset`. */
  private zeroedTo = 0;
  /** The current segment's entries frames. */
  private frames = new EntryFrames();
  /** The next segment's file, allocated and flushed ahead (prepareRotation); its own name until rotate. */
  private spare: { readonly seq: number; readonly fd: number; readonly path: string } | undefined;
  private preparing: Promise<void> | undefined;

  /** Use openWal / createWal. */
  constructor(private readonly dir: string, private seq: number, opts: { noSync?: boolean; segmentBytes?: number }) {
    this.noSync = opts.noSync === true;
    this.segmentBytes = opts.segmentBytes ?? SEGMENT_BYTES;
  }

  /** (openWal) Appends go at `end` of the current segment; when `dirty` (a torn tail or other non-zero bytes
   * after `end`) the rest of the file is zeroed first. Always flushed before it returns: what was read may have
   * come from the page cache only (a process killed before its flush), and the store is about to act on it. */
  openAt(end: number, dirty: boolean, frames: EntryFrames): void {
    this.fd = openSync(walSegmentPath(this.dir, this.seq), 'r+');
    this.offset = end;
    this.frames = frames;
    this.zeroedTo = end;
    if (dirty) {
      ftruncateSync(this.fd, end);
      ftruncateSync(this.fd, Math.max(end, this.segmentBytes));
    }
    if (!this.noSync) fsyncSync(this.fd);
  }

  get segment(): string {
    return walSegmentPath(this.dir, this.seq);
  }

  /** Bytes written to the current segment. */
  get size(): number {
    return this.offset;
  }

  /** A failed write leaves the WAL unusable (WAL_FAILED): whole frames may sit past the offset, and a later
   * append of the same length could line up with them. The store must be reopened (which cuts them off). */
  append(records: readonly WalRecord[]): void {
    this.assertOpen();
    const frames = records.map(encodeFrame);
    const buf = joinFrames(frames);
    try {
      this.zeroedTo = zeroAhead(this.fd, this.zeroedTo, this.offset + buf.length, this.segmentBytes);
      writeAll(this.fd, buf, this.offset);
    } catch (e) {
      this.failed = e;
      throw e;
    }
    let at = this.offset;
    records.forEach((r, k) => {
      if (r.type === 'entries' && r.entries.length > 0) this.frames.add(at, r.entries.at(-1)!.index);
      at += frames[k]!.length;
    });
    this.offset += buf.length;
  }

  /** Durable: everything appended before this call. Runs fdatasync on libuv's pool; the event loop goes on. */
  sync(): Promise<void> {
    this.assertOpen();
    if (this.noSync) return Promise.resolve();
    const fd = this.fd;
    const done = new Promise<void>((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));
    const settled: Promise<void> = done.then(
      () => void this.syncing.delete(settled),
      () => void this.syncing.delete(settled),
    );
    this.syncing.add(settled);
    return done;
  }

  syncNow(): void {
    this.assertOpen();
    if (!this.noSync) fdatasyncSync(this.fd);
  }

  /** Allocates the next segment's file (SEGMENT_BYTES, its first ZERO_AHEAD bytes written as zeros) and flushes
   * it, on libuv's pool, for the next rotate: inline, that took most of a rotation's 10–16 ms on the event loop
   * at 3 nodes × 64 in flight (a flush that commits a file's new blocks waits for the file system's journal).
   * Never rejects: on a failure rotate does it all itself. */
  prepareRotation(): Promise<void> {
    if (this.preparing !== undefined) return this.preparing;
    if (this.fd < 0 || this.closed) return Promise.resolve();
    const seq = this.seq + 1;
    if (this.spare?.seq === seq) return Promise.resolve();
    const path = `${walSegmentPath(this.dir, seq)}.spare`;
    const preparing = (async (): Promise<void> => {
      const fd = await openFd(path, 'w+', 0o600);
      try {
        await ftruncateFd(fd, this.segmentBytes);
        const zeros = Buffer.alloc(Math.min(ZERO_AHEAD, this.segmentBytes));
        await writeFd(fd, zeros, 0, zeros.length, 0);
        if (!this.noSync) await fdatasyncFd(fd);
      } catch (e) {
        await closeFd(fd);
        throw e;
      }
      if (this.closed || this.seq + 1 !== seq) {
        await closeFd(fd);
        throw new Error('the WAL rotated or closed meanwhile');
      }
      this.spare = { seq, fd, path };
    })()
      .catch(() => rm(path, { force: true }).catch(() => undefined))
      .finally(() => {
        this.preparing = undefined;
      });
    this.preparing = preparing.then(() => undefined);
    return this.preparing;
  }

  /** A new segment holding exactly `seed` (after its header), durable under its final name on return; then the
   * older segments are deleted. The caller must not have appends in flight that the seed does not cover. */
  rotate(identity: WalIdentity, seed: WalSeed): void {
    if (this.closed) throw storageError(STORAGE_ERRORS.CLOSED, 'the write-ahead log is closed');
    if (this.fd >= 0) this.assertOpen();
    const seq = this.seq + 1;
    const path = walSegmentPath(this.dir, seq);
    const tmp = `${path}.tmp`;
    const header: WalHeader = { format: 1, clusterId: identity.clusterId, nodeId: identity.nodeId, seq };
    const head = encodeRecords([
      { type: 'header', header },
      { type: 'snapshot', metadata: seed.snapshot },
    ]);
    const { body, frames } = this.seedBody(seed, head.length);
    // The hard state last: it is the newest (the carried records may hold older ones; the last one wins).
    const buf = Buffer.concat([head, body, encodeRecords([{ type: 'hard-state', hardState: seed.hardState }])]);
    const spare = this.takeSpare(seq);
    const file = spare?.path ?? tmp;
    const fd = spare?.fd ?? openSync(tmp, 'w+', 0o600); // read too: a later rotation carries records over from it
    let zeroed = buf.length;
    try {
      if (spare === undefined || buf.length > this.segmentBytes) ftruncateSync(fd, Math.max(this.segmentBytes, buf.length));
      writeAll(fd, buf, 0);
      // a spare's first ZERO_AHEAD bytes are zeros already: only zeros past the records and those are written
      zeroed = zeroAhead(fd, spare === undefined ? buf.length : Math.max(buf.length, Math.min(ZERO_AHEAD, this.segmentBytes)), buf.length, this.segmentBytes);
      if (!this.noSync) fdatasyncSync(fd);
      renameSync(file, path);
    } catch (e) {
      closeSync(fd);
      rmSync(file, { force: true });
      throw e;
    }
    try {
      if (!this.noSync) fsyncDir(this.dir);
    } catch (e) {
      // the new segment is in place (the newest one is what a reopen reads): appends to the old one would be lost
      closeSync(fd);
      this.failed = e;
      throw e;
    }
    const old = this.fd;
    this.fd = fd;
    this.seq = seq;
    this.offset = buf.length;
    this.zeroedTo = zeroed;
    this.frames = frames;
    // A sync in flight on the old segment must not find its fd closed (EBADF) or reused: close it after them.
    if (old >= 0) {
      if (this.syncing.size === 0) closeSync(old);
      else void Promise.all([...this.syncing]).then(() => closeSync(old));
    }
    const older = listSegments(this.dir).filter((s) => s < seq);
    this.removing = Promise.all([this.removing, ...older.map((s) => rm(walSegmentPath(this.dir, s), { force: true }).catch(() => {}))]);
  }

  /** The prepared file for segment `seq`, if there is one; a stale one is dropped. */
  private takeSpare(seq: number): { readonly fd: number; readonly path: string } | undefined {
    const spare = this.spare;
    this.spare = undefined;
    if (spare === undefined || spare.seq === seq) return spare;
    closeSync(spare.fd);
    rmSync(spare.path, { force: true });
    return undefined;
  }

  /** The records after a new segment's head (`at` bytes): the seed's entries, or the current segment's records
   * from the first frame holding an entry after the snapshot (read back from the file: everything appended is
   * in it), with where their entries frames land. */
  private seedBody(seed: WalSeed, at: number): { body: Buffer; frames: EntryFrames } {
    const frames = new EntryFrames();
    if (seed.entries !== 'carried') {
      if (seed.entries.length === 0) return { body: Buffer.alloc(0), frames };
      frames.add(at, seed.entries.at(-1)!.index);
      return { body: encodeRecords([{ type: 'entries', entries: seed.entries }]), frames };
    }
    this.assertOpen();
    const from = this.frames.carryFrom(seed.snapshot.index) ?? this.offset;
    const body = Buffer.allocUnsafe(this.offset - from);
    for (let got = 0; got < body.length; ) {
      const n = readSync(this.fd, body, got, body.length - got, from + got);
      if (n === 0) throw storageError(STORAGE_ERRORS.CORRUPT, `write-ahead log ${this.segment} ends at ${from + got}, before ${this.offset}`, { segment: this.segment });
      got += n;
    }
    return { body, frames: this.frames.moved(from, at) };
  }

  /** Waits for every sync (also ones started while waiting) and deletion in flight, then closes the segment.
   * Idempotent. */
  async close(): Promise<void> {
    if (this.fd < 0) return;
    while (this.syncing.size > 0) await Promise.all([...this.syncing]);
    await this.removing;
    await this.preparing;
    this.takeSpare(-1);
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.fd < 0) throw storageError(STORAGE_ERRORS.CLOSED, 'the write-ahead log is closed');
    if (this.failed !== undefined) {
      throw storageError(STORAGE_ERRORS.WAL_FAILED, `a write to the write-ahead log ${this.segment} failed (${String(this.failed)}); stop the node and start it again`, { segment: this.segment });
    }
  }
}

/** Sequence numbers of the complete segments in `dir`, ascending. Temporary files (a crash during rotate) are
 * removed. */
function listSegments(dir: string): number[] {
  const { seqs, tmps } = scanDir(dir);
  removeAll(dir, tmps);
  return seqs;
}

/** The complete segments of `dir` (ascending) and its temporary files, changing nothing. */
function scanDir(dir: string): { seqs: number[]; tmps: string[] } {
  const seqs: number[] = [];
  const tmps: string[] = [];
  for (const name of readdirSync(dir)) {
    const m = NAME.exec(name);
    if (m === null) continue;
    if (m[2] !== undefined) tmps.push(name);
    else seqs.push(Number(m[1]));
  }
  return { seqs: seqs.sort((a, b) => a - b), tmps };
}

function removeAll(dir: string, names: readonly string[]): void {
  for (const name of names) rmSync(join(dir, name), { force: true });
}

const ZEROS = Buffer.alloc(64 * 1024);

/** Writes zeros from `zeroedTo` to ZERO_AHEAD past `end` (not past `limit`, the preallocated size) when `end`
 * reaches beyond them; returns the new `zeroedTo`. Only ever writes at or after `zeroedTo`, which callers keep
 * at or after the end of the records. */
function zeroAhead(fd: number, zeroedTo: number, end: number, limit: number): number {
  if (end < zeroedTo || zeroedTo >= limit) return zeroedTo;
  const to = Math.min(limit, end + ZERO_AHEAD);
  for (let at = zeroedTo; at < to; at += ZEROS.length) writeAll(fd, ZEROS.subarray(0, Math.min(ZEROS.length, to - at)), at);
  return to;
}

function allZero(buf: Buffer): boolean {
  for (let at = 0; at < buf.length; at += ZEROS.length) {
    const chunk = buf.subarray(at, at + ZEROS.length);
    if (!chunk.equals(ZEROS.subarray(0, chunk.length))) return false;
  }
  return true;
}

function checkIdentity(path: string, have: WalHeader, want: WalIdentity): void {
  if (have.clusterId === want.clusterId && have.nodeId === want.nodeId) return;
  throw storageError(
    STORAGE_ERRORS.CLUSTER_MISMATCH,
    `write-ahead log ${path} belongs to cluster "${have.clusterId}" as node "${have.nodeId}", not cluster ` +
      `"${want.clusterId}" as node "${want.nodeId}". Nothing was changed. Start this node with --data-dir pointing at its own directory.`,
    { segment: path, clusterId: have.clusterId, nodeId: have.nodeId, wantClusterId: want.clusterId, wantNodeId: want.nodeId },
  );
}
