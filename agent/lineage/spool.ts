// The emitter's on-disk buffer: one append-only NDJSON file per emitter. Each event is appended as
// `{"seq":n,"event":…}` before any delivery is tried, and `{"ack":n}` is appended once the endpoint took it
// (2xx). Reopening the file replays the events without an ack, in order. When every event is acknowledged the
// file is truncated; when acks pile up it is rewritten (temp file + rename) with only the pending events.
// Pending bytes are bounded: an append that would pass the bound fails with LINEAGE_SPOOL_FULL and nothing is
// written. A torn last line (a crash mid-append) is dropped; any other unreadable line is LINEAGE_SPOOL_CORRUPT.
// Operations are serialised, so callers may overlap them; one writer per spool (spool-lock.ts).
import { mkdir, open, readFile, rename, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { LINEAGE_CODES, lineageError } from './errors.ts';
import { lockSpool } from './spool-lock.ts';

export interface SpooledEvent {
  readonly seq: number;
  readonly event: unknown;
  /** Size of its spool line in bytes. */
  readonly bytes: number;
}

export interface SpoolOptions {
  readonly dir: string;
  /** File stem: the spool is `<dir>/<name>.spool.ndjson`. */
  readonly name: string;
  /** Bound on the bytes of pending (unacknowledged) events. */
  readonly maxBytes: number;
  /** fsync after each write (default true): an acknowledged `emit` survives a power cut. */
  readonly fsync?: boolean;
}

export class Spool {
  readonly path: string;
  private readonly queue: SpooledEvent[] = [];
  private pendingBytes = 0;
  private fileBytes = 0;
  private nextSeq = 1;
  private chain: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly opts: SpoolOptions,
    private fh: FileHandle,
    private readonly unlock: () => Promise<void>,
  ) {
    this.path = spoolPath(opts.dir, opts.name);
  }

  /** Opens (creating) the spool and loads the events still pending from an earlier run. */
  static async open(opts: SpoolOptions): Promise<Spool> {
    await mkdir(opts.dir, { recursive: true });
    const path = spoolPath(opts.dir, opts.name);
    const unlock = await lockSpool(path);
    let parsed: Parsed;
    let fh: FileHandle;
    try {
      const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? '' : Promise.reject(e)));
      parsed = parseSpool(path, text);
      fh = await open(path, 'a+');
      if (parsed.goodBytes < Buffer.byteLength(text)) await fh.truncate(parsed.goodBytes);
    } catch (e) {
      await unlock();
      throw e;
    }
    const { events, goodBytes, maxSeq } = parsed;
    const spool = new Spool(opts, fh, unlock);
    spool.fileBytes = goodBytes;
    spool.nextSeq = maxSeq + 1;
    for (const e of events) {
      spool.queue.push(e);
      spool.pendingBytes += e.bytes;
    }
    return spool;
  }

  /** Pending events, oldest first. */
  pending(): readonly SpooledEvent[] {
    return this.queue;
  }

  get bytes(): number {
    return this.pendingBytes;
  }

  append(event: unknown): Promise<SpooledEvent> {
    return this.serial(async () => {
      const seq = this.nextSeq;
      const line = `${JSON.stringify({ seq, event })}\n`;
      const bytes = Buffer.byteLength(line);
      if (this.pendingBytes + bytes > this.opts.maxBytes) {
        throw lineageError(
          LINEAGE_CODES.SPOOL_FULL,
          `lineage spool ${this.path} is full: ${this.queue.length} events (${this.pendingBytes} bytes) wait for the endpoint and this event (${bytes} bytes) would pass the ${this.opts.maxBytes}-byte bound; the event was not recorded`,
          { path: this.path, maxBytes: this.opts.maxBytes, pendingBytes: this.pendingBytes, pendingEvents: this.queue.length, eventBytes: bytes },
        );
      }
      await this.write(line);
      this.nextSeq++;
      const spooled = { seq, event, bytes };
      this.queue.push(spooled);
      this.pendingBytes += bytes;
      return spooled;
    });
  }

  /** Marks the oldest pending event delivered. */
  ack(seq: number): Promise<void> {
    return this.serial(async () => {
      const head = this.queue[0];
      if (head?.seq !== seq) throw new Error(`spool ack out of order: ${seq}, head is ${head?.seq ?? 'none'}`);
      this.queue.shift();
      this.pendingBytes -= head.bytes;
      if (this.queue.length === 0) {
        await this.fh.truncate(0);
        this.fileBytes = 0;
        if (this.opts.fsync !== false) await this.fh.sync();
        return;
      }
      await this.write(`${JSON.stringify({ ack: seq })}\n`);
      if (this.fileBytes > 2 * this.pendingBytes + 65536) await this.compact();
    });
  }

  /** Closes the file and releases the lock; pending events stay for the next open. */
  close(): Promise<void> {
    return this.serial(async () => {
      await this.fh.close();
      await this.unlock();
    });
  }

  private async write(line: string): Promise<void> {
    await this.fh.appendFile(line, 'utf8');
    this.fileBytes += Buffer.byteLength(line);
    if (this.opts.fsync !== false) await this.fh.datasync();
  }

  private async compact(): Promise<void> {
    const tmp = `${this.path}.tmp`;
    const text = this.queue.map((e) => `${JSON.stringify({ seq: e.seq, event: e.event })}\n`).join('');
    const out = await open(tmp, 'w');
    try {
      await out.writeFile(text, 'utf8');
      if (this.opts.fsync !== false) await out.sync();
    } finally {
      await out.close();
    }
    await this.fh.close();
    await rename(tmp, this.path);
    this.fh = await open(this.path, 'a+');
    this.fileBytes = Buffer.byteLength(text);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }
}

export function spoolPath(dir: string, name: string): string {
  return join(dir, `${name}.spool.ndjson`);
}

interface Parsed {
  readonly events: SpooledEvent[];
  readonly goodBytes: number;
  readonly maxSeq: number;
}

function parseSpool(path: string, text: string): Parsed {
  const events = new Map<number, SpooledEvent>();
  let offset = 0;
  let maxSeq = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const last = i === lines.length - 1;
    if (last && line === '') break;
    let record: { seq?: unknown; event?: unknown; ack?: unknown } | undefined;
    try {
      record = JSON.parse(line) as typeof record;
    } catch {
      record = undefined;
    }
    const valid = record !== undefined && record !== null && (typeof record.ack === 'number' || (typeof record.seq === 'number' && 'event' in record));
    if (!valid || last) {
      // The last line has no newline: an append torn by a crash. It was never acknowledged to the caller.
      if (last) break;
      throw lineageError(LINEAGE_CODES.SPOOL_CORRUPT, `lineage spool ${path} line ${i + 1} is not a spool record; move the file away to start an empty spool`, { path, line: i + 1 });
    }
    const bytes = Buffer.byteLength(line) + 1;
    offset += bytes;
    if (typeof record?.ack === 'number') events.delete(record.ack);
    else if (typeof record?.seq === 'number') {
      events.set(record.seq, { seq: record.seq, event: record.event, bytes });
      maxSeq = Math.max(maxSeq, record.seq);
    }
  }
  return { events: [...events.values()].sort((a, b) => a.seq - b.seq), goodBytes: offset, maxSeq };
}
