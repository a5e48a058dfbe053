// Micro benchmark of LmdbStore.persist (not a test): N Readys of B entries of 256 bytes each, with a hard state
// in every Ready, as the node loop writes them. One Ready = one write transaction = one fsync, so "Readys/s" is
// fsyncs/s and "entries/s" shows what group commit buys as B grows. The noSync rows are the same work without
// fsync: the gap between the two is the disk's flush cost.
//
//   node --import tsx barn/storage/bench-persist.ts [--n 2000] [--dir DIR] [--json]
//
// DIR defaults to a fresh folder under the OS temp dir; point it at the disk Barn will use (a tmpfs makes fsync
// free and the figures meaningless for durability).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Entry } from '../raft/types.ts';
import { openStore } from './lmdb-store.ts';

const ENTRY_BYTES = 256;
const BATCHES = [1, 16, 64];

interface Row {
  readonly entriesPerReady: number;
  readonly sync: boolean;
  readonly readys: number;
  readonly seconds: number;
  readonly readysPerSec: number;
  readonly entriesPerSec: number;
  readonly mbPerSec: number;
}

function arg(name: string): string | undefined {
  const k = process.argv.indexOf(name);
  return k >= 0 ? process.argv[k + 1] : undefined;
}

async function run(parent: string, readys: number, batch: number, sync: boolean): Promise<Row> {
  const dir = join(parent, `b${batch}-${sync ? 'sync' : 'nosync'}`);
  const store = openStore(dir, { clusterId: 'bench', nodeId: 'n1', noSync: !sync });
  const payload = new Uint8Array(ENTRY_BYTES).fill(0x61);
  let index = 0;
  const started = performance.now();
  for (let r = 0; r < readys; r++) {
    const entries: Entry[] = [];
    for (let k = 0; k < batch; k++) entries.push({ index: ++index, term: 1, type: 'normal', data: payload });
    store.persist({ entries, hardState: { term: 1, vote: 'n1', commit: index } });
  }
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  const entries = readys * batch;
  return {
    entriesPerReady: batch,
    sync,
    readys,
    seconds,
    readysPerSec: readys / seconds,
    entriesPerSec: entries / seconds,
    mbPerSec: (entries * ENTRY_BYTES) / seconds / 1e6,
  };
}

async function main(): Promise<void> {
  const readys = Number(arg('--n') ?? 2000);
  const given = arg('--dir');
  const parent = given ?? mkdtempSync(join(tmpdir(), 'runink-bench-persist-'));
  const rows: Row[] = [];
  try {
    for (const sync of [true, false]) {
      for (const batch of BATCHES) rows.push(await run(parent, readys, batch, sync));
    }
  } finally {
    if (given === undefined) rmSync(parent, { recursive: true, force: true });
  }
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify({ node: process.version, entryBytes: ENTRY_BYTES, rows }));
    return;
  }
  console.log(`persist: ${readys} Readys per row, ${ENTRY_BYTES}-byte entries, node ${process.version}, dir ${parent}`);
  console.log('| entries/Ready | fsync | Readys/s (= fsyncs/s when on) | entries/s | MB/s |');
  console.log('|---:|:---:|---:|---:|---:|');
  for (const r of rows) {
    const f = (n: number): string => Math.round(n).toLocaleString('en-US');
    console.log(`| ${r.entriesPerReady} | ${r.sync ? 'on' : 'off'} | ${f(r.readysPerSec)} | ${f(r.entriesPerSec)} | ${r.mbPerSec.toFixed(1)} |`);
  }
}

await main();
