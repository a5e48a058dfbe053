// The background writer's thread (background-writer.ts): applies each packed write-back (write-back-ops.ts) in
// ONE LMDB write transaction on the node's env, off the event loop. Plain JavaScript: a worker thread does not
// inherit the tsx loader that `runi` registers in code.
//
// Contract with the main thread, through the shared Int32Array `control` (see background-writer.ts for states):
// the main thread sets BUSY and posts a buffer; this thread commits it (or not at all), writes an error
// message on failure, stores DONE or FAILED and wakes anyone in Atomics.wait; then posts 'done'. One buffer at
// a time. 'close' closes this thread's env handle and answers 'closed'.
import { parentPort, workerData } from 'node:worker_threads';
import { open } from 'lmdb';

const DONE = 2;
const FAILED = 3;
const HEADER = 12;
const TXN_FLAGS = 3; // as lmdb-env.ts: TXN_ABORTABLE | TXN_SYNCHRONOUS_COMMIT (the env's MDB_NOSYNC applies)

const { dir, options, names, shared } = workerData;
const control = new Int32Array(shared, 0, 2);
const message = new Uint8Array(shared, 8);
const root = open(dir, options);
const binary = { encoding: 'binary', keyEncoding: 'binary' };
// In TABLES order (write-back-ops.ts): log, meta, records, history.
const tables = [
  root.openDB(names.log, binary),
  root.openDB(names.meta, { encoding: 'binary' }),
  root.openDB(names.records, binary),
  root.openDB(names.history, binary),
];

function apply(buf) {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let at = 0; at < buf.byteLength; ) {
    const db = tables[view.getUint8(at)];
    const kind = view.getUint8(at + 1);
    const keyLen = view.getUint32(at + 4, true);
    const valueLen = view.getUint32(at + 8, true);
    const rawKey = buf.subarray(at + HEADER, at + HEADER + keyLen);
    const key = db === tables[1] ? Buffer.from(rawKey).toString('utf8') : Buffer.from(rawKey.buffer, rawKey.byteOffset, keyLen);
    at += HEADER + keyLen + valueLen;
    if (kind === 0) db.putSync(key, Buffer.from(buf.buffer, buf.byteOffset + at - valueLen, valueLen));
    else if (kind === 1) db.removeSync(key);
    else if (kind === 2) for (const k of [...db.getKeys({ end: key })]) db.removeSync(k);
    else throw new Error(`unknown write-back op kind ${kind}`);
  }
}

function finish(state, error) {
  if (error !== undefined) {
    const text = Buffer.from(String(error && error.stack ? error.stack : error)).subarray(0, message.byteLength);
    message.set(text);
    control[1] = text.byteLength;
  }
  Atomics.store(control, 0, state);
  Atomics.notify(control, 0);
}

parentPort.on('message', async (msg) => {
  if (msg === 'close') {
    await root.close();
    parentPort.postMessage('closed');
    return;
  }
  try {
    root.transactionSync(() => apply(new Uint8Array(msg)), TXN_FLAGS);
    finish(DONE);
  } catch (e) {
    finish(FAILED, e);
  }
  parentPort.postMessage('done');
});
