// The background writer: one worker thread (write-back-worker.mjs) that commits packed write-backs
// (write-back-ops.ts) to the node's LMDB env, so the B-tree work and the commit of a write-back leave the event
// loop. The event loop only encodes the writes.
//
// Contract:
// - One write-back at a time: submit() only when idle (busy === false).
// - The owner (LmdbStore) keeps what it submitted readable in memory until it learns the outcome, and learns
//   it only through poll() or settle(), on its own thread, so it decides when memory lets go.
// - Order: a write transaction on the event loop must not start while a write-back is in flight (LMDB would
//   run it before or after the worker's, and an older value could land last). settle() blocks until the worker
//   is done; the store calls it before every write of its own (WriteGate.beforeWrite).
// - A failed write-back committed nothing; its error comes out of poll() or settle() as BARN_STORAGE_ENV_FAILED.
import { Worker } from 'node:worker_threads';
import { STORAGE_ERRORS, storageError } from './errors.ts';
import { DB_NAMES, ENV_OPTIONS } from './lmdb-env.ts';

const IDLE = 0;
const BUSY = 1;
const DONE = 2;
const FAILED = 3;
const MESSAGE_BYTES = 4096;
/** settle() gives up after this long: the thread is gone (its 'error' event cannot run while the loop waits). */
const SETTLE_LIMIT_MS = 30_000;

/** What poll() and settle() report: nothing in flight, still running, or the write-back just finished. */
export type WriteBackState = { readonly kind: 'idle' } | { readonly kind: 'running' } | { readonly kind: 'finished' };

export class BackgroundWriter {
  private readonly shared = new SharedArrayBuffer(8 + MESSAGE_BYTES);
  private readonly control = new Int32Array(this.shared, 0, 2);
  private worker: Worker | undefined;
  private inFlight = false;

  constructor(private readonly dir: string) {}

  get busy(): boolean {
    return this.inFlight;
  }

  /** Hands `packed` to the worker (its buffer is transferred: the caller must not touch it again). */
  submit(packed: Uint8Array): void {
    if (this.inFlight) throw storageError(STORAGE_ERRORS.NESTED_WRITE, 'a background write-back is already in flight');
    const worker = this.start();
    Atomics.store(this.control, 0, BUSY);
    this.inFlight = true;
    const whole = packed.byteOffset === 0 && packed.byteLength === packed.buffer.byteLength ? packed : packed.slice();
    worker.postMessage(whole.buffer, [whole.buffer as ArrayBuffer]);
  }

  /** Without blocking: finished (once per write-back), running, or idle. Throws the worker's error. */
  poll(): WriteBackState {
    if (!this.inFlight) return { kind: 'idle' };
    return this.outcome(Atomics.load(this.control, 0));
  }

  /** Blocks the thread until the write-back in flight (if any) is done: finished, or idle. */
  settle(): WriteBackState {
    if (!this.inFlight) return { kind: 'idle' };
    if (Atomics.wait(this.control, 0, BUSY, SETTLE_LIMIT_MS) === 'timed-out') {
      throw storageError(STORAGE_ERRORS.ENV_FAILED, `the background write-back did not finish within ${SETTLE_LIMIT_MS} ms`);
    }
    return this.outcome(Atomics.load(this.control, 0));
  }

  /** Settles, then stops the thread (its env handle closed). Idempotent. */
  async close(): Promise<void> {
    let failure: unknown;
    try {
      this.settle();
    } catch (e) {
      failure = e;
    }
    const worker = this.worker;
    this.worker = undefined;
    if (worker !== undefined) {
      const closed = new Promise<void>((resolve) => worker.on('message', (m) => m === 'closed' && resolve()));
      worker.postMessage('close');
      await closed;
      await worker.terminate();
    }
    if (failure !== undefined) throw failure;
  }

  private outcome(state: number): WriteBackState {
    switch (state) {
      case BUSY:
        return { kind: 'running' };
      case DONE:
        this.inFlight = false;
        Atomics.store(this.control, 0, IDLE);
        return { kind: 'finished' };
      case FAILED: {
        this.inFlight = false;
        Atomics.store(this.control, 0, IDLE);
        const text = Buffer.from(this.shared, 8, this.control[1]!).toString('utf8');
        throw storageError(STORAGE_ERRORS.ENV_FAILED, `the background write-back to the env failed; nothing of it was committed: ${text}`);
      }
      default:
        throw storageError(STORAGE_ERRORS.ENV_FAILED, `the background writer is in an unknown state ${state}`);
    }
  }

  private start(): Worker {
    if (this.worker !== undefined) return this.worker;
    const worker = new Worker(new URL('./write-back-worker.mjs', import.meta.url), {
      workerData: { dir: this.dir, options: ENV_OPTIONS, names: DB_NAMES, shared: this.shared },
    });
    worker.unref();
    worker.on('error', (e) => {
      // The thread died outside a write-back (a write-back's own errors come through `control`): mark the one
      // in flight failed, so settle() does not wait for ever.
      const text = Buffer.from(String(e)).subarray(0, MESSAGE_BYTES);
      new Uint8Array(this.shared, 8).set(text);
      this.control[1] = text.byteLength;
      Atomics.store(this.control, 0, FAILED);
      Atomics.notify(this.control, 0);
    });
    this.worker = worker;
    return worker;
  }
}
