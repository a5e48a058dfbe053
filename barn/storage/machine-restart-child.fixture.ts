// Child of wal-store.test.ts: opens a store as boot `A`, writes a fixed history (entries over two terms, a
// local snapshot, applied KV effects, a commit-only Ready, a Ready left in the store's tail), prints "ready", and waits to be killed with SIGKILL —
// a crash without a clean close.
import type { ConfState, Entry } from '../raft/types.ts';
import { openStore } from './lmdb-store.ts';

export const CHILD_ID = { clusterId: 'c-restart', nodeId: 'n1' };
export const CHILD_CONF: ConfState = { voters: ['n1'], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };

export function childEntry(index: number, term: number): Entry {
  return { index, term, type: 'normal', data: new TextEncoder().encode(`entry ${index} of term ${term}`) };
}

function main(dir: string): void {
  const store = openStore(dir, { ...CHILD_ID, bootId: 'boot-A', initialConfState: CHILD_CONF });
  const upTo = (lo: number, hi: number, term: number): Entry[] => Array.from({ length: hi - lo + 1 }, (_, k) => childEntry(lo + k, term));
  store.persistAndApply({ entries: upTo(1, 20, 1), hardState: { term: 1, vote: 'n1', commit: 20 } }, (w) => {
    w.putRecord({ key: 'k', value: 'at 20', createRevision: 1, modRevision: 1, version: 1 });
    w.setRevision(1);
    w.setAppliedIndex(20);
  });
  store.persist({ entries: upTo(21, 24, 2), hardState: { term: 2, vote: 'n1', commit: 20 } });
  // entries 21-24 are in the WAL before the snapshot: its new segment carries them over
  store.createSnapshot(20, CHILD_CONF, new TextEncoder().encode('snapshot at 20'));
  store.compact(15);
  store.persist({ entries: upTo(25, 30, 2), hardState: { term: 2, vote: 'n1', commit: 20 } });
  store.persistAndApply({ entries: [], hardState: { term: 2, vote: 'n1', commit: 28 } }, (w) => w.setAppliedIndex(28));
  // a Ready with nothing to apply: durable in the WAL, kept out of the env (the store's tail)
  const tailWrite = store.prepare({ entries: upTo(31, 33, 2), hardState: { term: 2, vote: 'n1', commit: 30 } });
  store.flushSync(tailWrite);
  store.commit(tailWrite);
  if (store.unwrittenEntries !== 3) throw new Error(`expected 3 entries in the tail, found ${store.unwrittenEntries}`);
  process.stdout.write('ready\n');
  setInterval(() => undefined, 1000);
}

if (process.argv[2] !== undefined) main(process.argv[2]);
