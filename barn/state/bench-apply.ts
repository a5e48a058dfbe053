// Micro benchmark of applying puts (not a test): the CPU cost of the apply path every node runs for every
// committed entry — envelope unwrap, decodeCommand, applyEntry and the LMDB KvWriter (records, history,
// counters) — with no Raft, no WAL and no fsync. One LmdbStore opened with noSync in a temp dir; 10,000 keys are
// written once (untimed), then N puts of 256-byte values over those keys are applied through store.kv.write, B
// entries per write transaction, as the node does.
//
//   node --import tsx barn/state/bench-apply.ts [--n 40000] [--runs 3] [--json]
//
// Prints wall-clock and CPU µs per put for B = 1 and 16 (best of --runs runs, each on a fresh store).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newRequestId, unwrap, wrap } from '../node/envelope.ts';
import { openStore } from '../storage/lmdb-store.ts';
import { applyEntry } from './apply.ts';
import { encodeCommand } from './commands.ts';

const KEYS = 10_000;
const VALUE_BYTES = 256;
const BATCHES = [1, 16];

function arg(name: string): string | undefined {
  const k = process.argv.indexOf(name);
  return k >= 0 ? process.argv[k + 1] : undefined;
}

/** Envelope-wrapped put commands, as followers receive them: key i % KEYS in a scrambled order, a JSON string
 * value of VALUE_BYTES encoded bytes (quotes included) that differs per put. */
function makeEntries(n: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const key = `/bench/key-${String((i * 7919) % KEYS).padStart(5, '0')}`;
    const value = `v${String(i).padStart(9, '0')}`.padEnd(VALUE_BYTES - 2, 'x');
    out.push(wrap(newRequestId(), encodeCommand({ type: 'put', key, value })));
  }
  return out;
}

interface Timing {
  /** Wall-clock µs per put. */
  readonly wall: number;
  /** CPU µs (user + system) of this process per put: less disturbed by other load on the machine. */
  readonly cpu: number;
}

/** Applies `entries` from `firstIndex` on, `batch` per write transaction; returns the time per put. */
function applyAll(store: ReturnType<typeof openStore>, entries: readonly Uint8Array[], firstIndex: number, batch: number): Timing {
  let failed = 0;
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  for (let at = 0; at < entries.length; at += batch) {
    store.kv.write((w) => {
      const end = Math.min(at + batch, entries.length);
      for (let k = at; k < end; k++) {
        const { command } = unwrap(entries[k]!);
        if (!applyEntry(w, firstIndex + k, command).ok) failed++;
      }
    });
  }
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuStart);
  if (failed > 0) throw new Error(`${failed} puts failed`);
  return { wall: (wallMs * 1000) / entries.length, cpu: (cpu.user + cpu.system) / entries.length };
}

async function run(parent: string, batch: number, warm: readonly Uint8Array[], timed: readonly Uint8Array[], r: number): Promise<Timing> {
  const dir = join(parent, `b${batch}-r${r}`);
  const store = openStore(dir, { clusterId: 'bench', nodeId: 'n1', noSync: true });
  try {
    applyAll(store, warm, 1, 64); // every key exists: the timed puts are updates, as in steady state
    const timing = applyAll(store, timed, warm.length + 1, batch);
    if (store.kv.revision() !== warm.length + timed.length) throw new Error('unexpected revision');
    return timing;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const n = Number(arg('--n') ?? 40_000);
  const runs = Number(arg('--runs') ?? 3);
  const warm = makeEntries(KEYS).map((_, i) => wrap(newRequestId(), encodeCommand({ type: 'put', key: `/bench/key-${String(i).padStart(5, '0')}`, value: 'init' })));
  const timed = makeEntries(n);
  const parent = mkdtempSync(join(tmpdir(), 'barn-bench-apply-'));
  const rows: Array<{ batch: number; runs: Timing[] }> = [];
  try {
    for (const batch of BATCHES) {
      const timings: Timing[] = [];
      for (let r = 0; r < runs; r++) timings.push(await run(parent, batch, warm, timed, r));
      rows.push({ batch, runs: timings });
    }
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify({ node: process.version, n, valueBytes: VALUE_BYTES, keys: KEYS, rows }));
    return;
  }
  console.log(`apply: ${n} puts of ${VALUE_BYTES}-byte values over ${KEYS} keys, node ${process.version}`);
  console.log('| entries/txn | wall µs/put (best) | CPU µs/put (best) | all runs (wall / CPU) |');
  console.log('|---:|---:|---:|:---|');
  const best = (ts: Timing[], k: keyof Timing): string => Math.min(...ts.map((t) => t[k])).toFixed(2);
  for (const r of rows) {
    const all = r.runs.map((t) => `${t.wall.toFixed(2)} / ${t.cpu.toFixed(2)}`).join(', ');
    console.log(`| ${r.batch} | ${best(r.runs, 'wall')} | ${best(r.runs, 'cpu')} | ${all} |`);
  }
}

await main();
