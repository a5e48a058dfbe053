// A local snapshot's bytes for a follower, encoded off the event loop. A local snapshot is a copy of the LMDB
// env (snapshot-copy.ts); a follower is sent Raft's encoding of it, which took the leader's loop 100–150 ms on a
// 10,000-key state. Here a worker thread (encode-copy-worker.mjs) encodes it and the bytes are kept for the
// next asks (a retried send, another follower).
//
// Contract: one snapshot at a time, keyed by its index. get() for an index whose bytes are not ready starts (or
// waits on) the encoding and throws SnapshotTemporarilyUnavailableError: the Raft leader sends nothing and
// asks again on a later response from that follower. get() for another index drops what was kept or running
// (the older copy may be deleted any time). A failed encoding throws its error (as the synchronous read did)
// at every ask for that index, until a newer snapshot replaces it. close() ends a running worker.
import { Worker } from 'node:worker_threads';
import { RuninkError } from '../../common/error.ts';
import { SnapshotTemporarilyUnavailableError } from '../raft/storage.ts';
import { STORAGE_ERRORS } from './errors.ts';

type Job =
  | { readonly index: number; readonly state: 'running'; readonly worker: Worker }
  | { readonly index: number; readonly state: 'done'; readonly bytes: Uint8Array }
  | { readonly index: number; readonly state: 'failed'; readonly error: RuninkError };

type WorkerReply = { readonly bytes: Uint8Array } | { readonly code: string | null; readonly message: string };

const WORKER = new URL('./encode-copy-worker.mjs', import.meta.url);

export class SnapshotEncoder {
  private job: Job | undefined;

  /** The bytes of the snapshot `index`, whose env copy is at `path`; throws while they are being encoded. */
  get(index: number, path: string): Uint8Array {
    const job = this.job?.index === index ? this.job : this.start(index, path);
    switch (job.state) {
      case 'running':
        throw new SnapshotTemporarilyUnavailableError(index);
      case 'done':
        return job.bytes;
      case 'failed':
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
    return job?.state === 'running' ? job.worker.terminate().then(() => undefined) : Promise.resolve();
  }

  private start(index: number, path: string): Job {
    void this.close();
    const worker = new Worker(WORKER, { workerData: { path } });
    worker.unref(); // an encoding never keeps the process alive; close() ends it
    const job: Job = { index, state: 'running', worker };
    const settle = (next: Job): void => {
      if (this.job === job) this.job = next;
      void worker.terminate();
    };
    const failed = (code: string | null, why: string): Job => ({ index, state: 'failed', error: new RuninkError(code ?? STORAGE_ERRORS.CORRUPT, `the snapshot at index ${index} could not be encoded from ${path} to send it to a follower: ${why}`, { index, path }) });
    worker.once('message', (reply: WorkerReply) => settle('bytes' in reply ? { index, state: 'done', bytes: reply.bytes } : failed(reply.code, reply.message)));
    worker.once('error', (err) => settle(failed(null, err.message)));
    worker.once('exit', (code) => {
      if (this.job === job) settle(failed(null, `its worker exited (code ${code}) without an answer`));
    });
    this.job = job;
    return job;
  }
}
