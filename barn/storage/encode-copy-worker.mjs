// Worker thread of snapshot-encoder.ts: encodes the env copy at workerData.path as Raft's snapshot bytes
// (snapshot-copy.ts encodeEnvCopy) and posts them back, their buffer transferred,
// or the error's code and message. Loads the TypeScript sources
// through tsx, as bin/runi.mjs does, whatever the parent was started with.
import { register } from 'tsx/esm/api';
import { parentPort, workerData } from 'node:worker_threads';

register();
const { encodeEnvCopy } = await import('./snapshot-copy.ts');
try {
  const bytes = encodeEnvCopy(workerData.path);
  // A view of a larger (or shared pool) buffer is copied, so the transfer hands over exactly the snapshot.
  const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
  parentPort.postMessage({ bytes: own }, [own.buffer]);
} catch (err) {
  // Errors are data: the code and message cross the thread boundary, the parent rebuilds the RuninkError.
  // lmdb's own errors carry an errno as their code: only the project's stable codes are passed on.
  const code = typeof err?.code === 'string' && /^[A-Z][A-Z_]+$/.test(err.code) ? err.code : null;
  parentPort.postMessage({ code, message: String(err?.message ?? err) });
}
