// A local snapshot's bytes for a follower, encoded off the event loop. A local snapshot is a copy of the LMDB
// env (snapshot-copy.ts); a follower is sent Raft's encoding of it, which took the leader's loop 100–150 ms on a
// 10,000-key state. Here a worker thread (encode-copy-worker.mjs) encodes it and the bytes are kept for the
// next asks (a retried send, another follower) while they come: `keepMs` after the last one they are dropped
// (tens of MB on a large state; encoding them again costs the worker, not the loop).
//
// Contract: one snapshot at a time, keyed by its index. get() for an index whose bytes are not ready starts (or
// waits on) the encoding and throws SnapshotTemporarilyUnavailableError: the Raft leader sends nothing and
// asks again on a later response from that follower. get() for another index drops what was kept or running
// (the older copy may be deleted any time). A failed encoding throws its error (as the synchronous read did)
// at every ask for that index until keepMs pass without one; the next ask tries again. close() ends a running
// worker and drops what is kept.
import { Worker } from 'node:worker_threads';
import { RuninkError } from '../../common/error.ts';
import { SnapshotTemporarilyUnavailableError } from '../raft/storage.ts';
import { STORAGE_ERRORS } from './errors.ts';

type Job =
  | { readonly index: number; readonly state: 'running'; readonly worker: Worker }
  | { readonly index: number; readonly state: 'done'; readonly bytes: Uint8Array; readonly expiry: NodeJS.Timeout }
  | { readonly index: number; readonly state: 'failed'; readonly error: RuninkError; readonly expiry: NodeJS.Timeout };

type WorkerReply = { readonly bytes: Uint8Array } | { readonly code: string | null; readonly message: string };

const WORKER = new URL('./encode-copy-worker.mjs', import.meta.url);

/** How long encoded bytes (or a failure) are kept after the last ask for them. */
export const KEEP_ENCODED_MS = 30_000;

export class SnapshotEncoder {
  private job: Job | undefined;

  constructor(private readonly keepMs = KEEP_ENCODED_MS) {}

  /** The bytes of the snapshot `index`, whose env copy is at `path`; throws while they are being encoded. */
  get(index: number, path: string): Uint8Array {
    const job = this.job?.index === index ? this.job : this.start(index, path);
    switch (job.state) {
      case 'running':
        throw new SnapshotTemporarilyUnavailableError(index);
      case 'done':
        job.expiry.refresh();
        return job.bytes;
      case 'failed':
        job.expiry.refresh();
        throw job.error;
    }
  }

  /** Whether the bytes of `index` are being encoded (for tests and metrics). */
  encoding(index: number): boolean {
    return this.job?.index === index && this.job.state === 'running';
  }

  /** Ends a running encoding and forgets the kept bytes. */
  close(): Promise<void> {
    const job = this.job;
    this.job = undefined;
    if (job === undefined) return Promise.resolve();
    switch (job.state) {
      case 'running':
        return job.worker.terminate().then(() => undefined);
      case 'done':
      case 'failed':
        clearTimeout(job.expiry);
        return Promise.resolve();
    }
  }

  private start(index: number, path: string): Job {
    void this.close();
    const worker = new Worker(WORKER, { workerData: { path } });
    worker.unref(); // an encoding never keeps the process alive; close() ends it
    const job: Job = { index, state: 'running', worker };
    const settle = (next: (expiry: NodeJS.Timeout) => Job): void => {
      void worker.terminate();
      if (this.job !== job) return;
      const expiry = setTimeout(() => {
        if (this.job === settled) this.job = undefined;
      }, this.keepMs).unref();
      const settled = next(expiry);
      this.job = settled;
    };
    const failed = (code: string | null, why: string) => (expiry: NodeJS.Timeout): Job => ({ index, state: 'failed', expiry, error: new RuninkError(code ?? STORAGE_ERRORS.CORRUPT, `the snapshot at index ${index} could not be encoded from ${path} to send it to a follower: ${why}`, { index, path }) });
    worker.once('message', (reply: WorkerReply) => settle('bytes' in reply ? (expiry) => ({ index, state: 'done', bytes: reply.bytes, expiry }) : failed(reply.code, reply.message)));
    worker.once('error', (err) => settle(failed(null, err.message)));
    worker.once('exit', (code) => {
      if (this.job === job) settle(failed(null, `its worker exited (code ${code}) without an answer`));
    });
    this.job = job;
    return job;
  }
}
