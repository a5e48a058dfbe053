// Child of local-snapshot.test.ts: writes entries 1..30 (3 keys each), takes a local snapshot at 30 and kills
// itself with SIGKILL at the step named by argv[3]:
//   during-copy     right after beginSnapshot (LMDB's copy has just been queued on libuv's pool)
//   before-finish   once copied() resolved (the copy is durable as snapshot-…30.lmdb, not recorded)
//   after-finish    once finishSnapshot recorded it (new WAL segment, metadata)
// Prints the state it expects a snapshot at 30 to hold (NDJSON of encodeSnapshot, base64) first.
import { encodeSnapshot } from '../state/snapshot.ts';
import { openStore } from './lmdb-store.ts';
import { commitReady } from './test-entries.ts';

export const CRASH_ID = { clusterId: 'c-ls-crash', nodeId: 'n1' };
export const CRASH_STEPS = ['during-copy', 'before-finish', 'after-finish'] as const;

async function main(dir: string, step: string): Promise<void> {
  const store = openStore(dir, { ...CRASH_ID, writeBack: true });
  commitReady(store, 1, 30, 3);
  process.stdout.write(`${Buffer.from(encodeSnapshot(store.kv)).toString('base64')}\n`);
  const local = store.beginSnapshot(30);
  if (step === 'during-copy') process.kill(process.pid, 'SIGKILL');
  await local.copied();
  if (step === 'before-finish') process.kill(process.pid, 'SIGKILL');
  store.finishSnapshot(local);
  process.kill(process.pid, 'SIGKILL');
}

if (process.argv[2] !== undefined) void main(process.argv[2], process.argv[3] ?? '');
