// Slice runtime benchmark (not a test). Usage:
//   node --import tsx agent/slice/bench-slice.ts [--records 100000] [--chunk 1024] [--heap 64] [--repeat 2]
// Generates NDJSON orders (~200 bytes each) under /tmp/agent-slice/bench/, then, each in a fresh child process
// so peak RSS is its own:
//   1. baseline: a plain Node pipeline (read stream → split lines → JSON.parse → JSON.stringify → write);
//   2. slice at N records: validate + filter + map → two sinks routed by `when` + a dead-letter sink;
//   3. slice at 10×N records (memory must stay flat: peak RSS ratio target ≤ 1.2×).
// Prints records/s, MB/s, the slice/baseline throughput ratio (target ≥ 60 %) and peak RSS. Each measurement
// is the best of `--repeat` runs, baseline and slice alternating, because a shared machine is noisy.
// `--heap MB` runs every child with --max-old-space-size=MB (default 64, `0` = V8's default): an agent sizes
// a slice's heap from @requires(memory) the same way. Without a cap V8 lets garbage accumulate longer in a
// longer run, so peak RSS grows with the run (~1.3× at 10×) although the live heap stays flat.
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScenarioSpec } from '../../contracts/desired-state.ts';
import { runScenario } from './run-scenario.ts';

const DIR = '/tmp/agent-slice/bench';
const SELF = fileURLToPath(import.meta.url);
const LOC = { file: 'bench', line: 1, col: 1 };

const CONTRACT = {
  document: {
    apiVersion: 'v3.1.0',
    kind: 'DataContract',
    schema: [
      {
        name: 'orders',
        properties: [
          { name: 'order_id', logicalType: 'string', required: true, logicalTypeOptions: { pattern: '^ORD-[0-9]+$' } },
          { name: 'customer_id', logicalType: 'string', required: true },
          { name: 'email', logicalType: 'string', logicalTypeOptions: { maxLength: 254 } },
          { name: 'amount', logicalType: 'number', required: true, logicalTypeOptions: { minimum: -10000, maximum: 10000 } },
          { name: 'currency', logicalType: 'string', required: true, logicalTypeOptions: { pattern: '^[A-Z]{3}$' } },
          { name: 'status', logicalType: 'string', required: true },
          { name: 'ordered_at', logicalType: 'string', required: true },
        ],
      },
    ],
  },
};

function spec(input: string): ScenarioSpec {
  const sink = (id: string, when: string | undefined, deadLetter: boolean, after: string[]) => ({
    id,
    uri: `file://out/${id}.ndjson`,
    format: 'ndjson' as const,
    deadLetter,
    after,
    loc: LOC,
    ...(when === undefined ? {} : { when }),
  });
  const step = (id: string, name: string, params: Record<string, string>, after: string[]) => ({ id, name, kind: 'builtin' as const, params, after, loc: LOC });
  return {
    id: 'bench/slice', pipeline: 'bench', slug: 'slice', title: 'bench', steps_text: [], herd: 'bench',
    sources: [{ id: 'orders', uri: `file://${input}`, format: 'ndjson', loc: LOC }],
    steps: [
      step('check', 'validate', { contract: 'orders' }, ['orders']),
      step('paid', 'filter', { expr: "record.status != 'cancelled'" }, ['check']),
      step('cents', 'map', { amount_cents: 'record.amount * 100.0' }, ['paid']),
    ],
    sinks: [sink('sales', 'record.amount >= 0.0', false, ['cents']), sink('refunds', 'record.amount < 0.0', false, ['cents']), sink('rejected', undefined, true, ['check', 'paid', 'cents'])],
    requires: { cpu: 1000, memory: 1 << 30 }, affinity: {}, trigger: { kind: 'manual' }, parallel: { n: 1 }, failFast: false, loc: LOC, specHash: 'bench',
  };
}

async function generate(records: number): Promise<string> {
  const name = `orders-${records}.ndjson`;
  const path = join(DIR, 'data', name);
  if (existsSync(path)) return name;
  await mkdir(join(DIR, 'data'), { recursive: true });
  const out = createWriteStream(path);
  const statuses = ['paid', 'shipped', 'pending', 'cancelled'];
  let buf = '';
  for (let i = 0; i < records; i++) {
    const bad = i % 97 === 0;
    buf += JSON.stringify({
      order_id: bad ? `X-${i}` : `ORD-${100000 + i}`,
      customer_id: `C${10000 + (i % 5000)}`,
      email: `customer.${i % 5000}@example.com`,
      amount: i % 13 === 0 ? -((i % 500) + 0.5) : (i % 900) + 0.99,
      currency: i % 3 === 0 ? 'USD' : 'EUR',
      status: statuses[i % 4],
      ordered_at: `2024-05-0${1 + (i % 9)}T10:${String(i % 60).padStart(2, '0')}:00Z`,
      channel: i % 2 === 0 ? 'web' : 'app',
      note: 'lorem ipsum dolor sit amet',
    }) + '\n';
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
      buf = '';
    }
  }
  out.write(buf);
  await new Promise<void>((r) => out.end(() => r()));
  return name;
}

/** Child: the plain pipeline. */
async function baseline(input: string): Promise<number> {
  const out = createWriteStream(join(DIR, 'data', 'baseline-out.ndjson'), { highWaterMark: 1 << 20 });
  let tail = '';
  let n = 0;
  for await (const piece of createReadStream(input, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const lines = (tail + (piece as string)).split('\n');
    tail = lines.pop() ?? '';
    let text = '';
    for (const line of lines) {
      if (line === '') continue;
      text += JSON.stringify(JSON.parse(line)) + '\n';
      n++;
    }
    if (!out.write(text)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
  return n;
}

async function child(mode: string, name: string, chunk: number): Promise<void> {
  const started = performance.now();
  let records: number;
  let heapKb = 0;
  const sample = setInterval(() => (heapKb = Math.max(heapKb, process.memoryUsage().heapUsed / 1024)), 50);
  if (mode === 'baseline') records = await baseline(join(DIR, 'data', name));
  else {
    const r = await runScenario(spec(name), { repoRoot: DIR, dataRoot: join(DIR, 'data'), contracts: { orders: CONTRACT }, chunkSize: chunk });
    if (r.status !== 'COMPLETE') throw new Error(JSON.stringify(r.error));
    records = r.stats.recordsIn['orders'] ?? 0;
  }
  const ms = performance.now() - started;
  clearInterval(sample);
  const cpu = process.cpuUsage();
  process.stdout.write(JSON.stringify({ records, ms, cpuMs: (cpu.user + cpu.system) / 1000, maxRssKb: process.resourceUsage().maxRSS, maxHeapKb: Math.round(heapKb) }) + '\n');
}

interface Measure {
  readonly records: number;
  readonly ms: number;
  /** user + system CPU time of the whole child (includes startup): steadier than wall time on a busy host */
  readonly cpuMs: number;
  readonly maxRssKb: number;
  readonly maxHeapKb: number;
}

function best(runs: Measure[]): Measure {
  return runs.reduce((a, b) => ({
    records: a.records,
    ms: Math.min(a.ms, b.ms),
    cpuMs: Math.min(a.cpuMs, b.cpuMs),
    maxRssKb: Math.max(a.maxRssKb, b.maxRssKb),
    maxHeapKb: Math.max(a.maxHeapKb, b.maxHeapKb),
  }));
}

function measure(mode: string, name: string, chunk: number, heapMb: number): Measure {
  const heap = heapMb > 0 ? [`--max-old-space-size=${heapMb}`] : [];
  const r = spawnSync(process.execPath, [...heap, '--import', 'tsx', SELF, '--child', mode, name, String(chunk)], { encoding: 'utf8', cwd: process.cwd() });
  if (r.status !== 0) throw new Error(`${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Measure;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1]!, args[2]!, Number(args[3]));
  const opt = (k: string, d: number): number => {
    const i = args.indexOf(k);
    return i === -1 ? d : Number(args[i + 1]);
  };
  const n = opt('--records', 100_000);
  const chunk = opt('--chunk', 1024);
  const heapMb = opt('--heap', 64);
  const small = await generate(n);
  const large = await generate(n * 10);
  const mb = (await stat(join(DIR, 'data', small))).size / 1e6;
  const mbLarge = (await stat(join(DIR, 'data', large))).size / 1e6;
  const repeat = Math.max(1, opt('--repeat', 2));
  const runs: Record<string, Measure[]> = { base: [], slice: [], baseL: [], sliceL: [] };
  for (let i = 0; i < repeat; i++) {
    runs['base']!.push(measure('baseline', small, chunk, heapMb));
    runs['slice']!.push(measure('slice', small, chunk, heapMb));
    runs['baseL']!.push(measure('baseline', large, chunk, heapMb));
    runs['sliceL']!.push(measure('slice', large, chunk, heapMb));
  }
  const base = best(runs['base']!);
  const slice = best(runs['slice']!);
  const baseL = best(runs['baseL']!);
  const sliceL = best(runs['sliceL']!);
  const line = (label: string, m: Measure, size: number): string =>
    `${label.padEnd(22)} ${String(m.records).padStart(9)} rec  ${(m.ms / 1000).toFixed(2).padStart(6)} s  ${Math.round((m.records / m.ms) * 1000).toLocaleString('en').padStart(10)} rec/s  ${((size / m.ms) * 1000).toFixed(1).padStart(6)} MB/s  cpu ${(m.cpuMs / 1000).toFixed(2)} s  peak RSS ${(m.maxRssKb / 1024).toFixed(0)} MiB, heap ${(m.maxHeapKb / 1024).toFixed(0)} MiB`;
  console.log(`slice bench: ${n} records (${mb.toFixed(1)} MB) and ${n * 10} (${mbLarge.toFixed(1)} MB), chunk ${chunk}, best of ${repeat}, heap cap ${heapMb > 0 ? `${heapMb} MB` : 'none'}`);
  console.log(line('baseline 1×', base, mb));
  console.log(line('slice 1×', slice, mb));
  console.log(line('baseline 10×', baseL, mbLarge));
  console.log(line('slice 10×', sliceL, mbLarge));
  const pct = (a: number, b: number): string => `${((a / b) * 100).toFixed(0)} %`;
  console.log(`throughput ratio slice/baseline (wall): 1× ${pct(base.ms, slice.ms)}, 10× ${pct(baseL.ms, sliceL.ms)} (target ≥ 60 %)`);
  console.log(`throughput ratio slice/baseline (cpu):  1× ${pct(base.cpuMs, slice.cpuMs)}, 10× ${pct(baseL.cpuMs, sliceL.cpuMs)}`);
  console.log(`peak RSS slice 10× / 1×: ${(sliceL.maxRssKb / slice.maxRssKb).toFixed(2)}× (target ≤ 1.2×); baseline ${(baseL.maxRssKb / base.maxRssKb).toFixed(2)}×; peak heap slice ${(sliceL.maxHeapKb / slice.maxHeapKb).toFixed(2)}×`);
  await rm(join(DIR, 'data', 'out'), { recursive: true, force: true });
}

await main();
