// Load generator (child process; see load-spec.ts for the contract). `concurrency` slots each loop: pick a
// random key, send one put on the slot's keep-alive connection, wait for the whole answer. Request bodies are
// built once per key up front, so the generator's own CPU cost per request is just undici.
//
//   etcd: POST /v3/kv/put  {"key": base64(key), "value": base64(value)}      (JSON gateway)
//   barn: PUT  /v1/kv/{key} {"value": value}  with Authorization: Bearer <token>
//
// Both store the same key and the same 256-byte value. Timed mode counts only requests that start and end
// inside the measured window; count mode sends exactly `totalWrites` and reports over the whole run.
import { Pool } from 'undici';
import type { LoadResult, LoadSpec } from './load-spec.ts';
import { LatencyLog, percentile } from './percentile.ts';

const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;

const value = makeValue(spec.valueBytes);
const keys = Array.from({ length: spec.keys }, (_, i) => `bench-k${String(i).padStart(6, '0')}`);
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const bodies = keys.map((k) => (spec.kind === 'etcd' ? JSON.stringify({ key: b64(k), value: b64(value) }) : JSON.stringify({ value })));
const paths = keys.map((k) => (spec.kind === 'etcd' ? '/v3/kv/put' : `/v1/kv/${encodeURIComponent(k)}`));
const method = spec.kind === 'etcd' ? 'POST' : 'PUT';
const headers: Record<string, string> = { 'content-type': 'application/json', ...(spec.token ? { authorization: `Bearer ${spec.token}` } : {}) };
const timeout = spec.timeoutMs ?? 30_000;

const perEndpoint = Math.ceil(spec.concurrency / spec.endpoints.length);
const pools = spec.endpoints.map((url) => new Pool(url, { connections: perEndpoint, pipelining: 1, keepAliveTimeout: 60_000, headersTimeout: timeout, bodyTimeout: timeout }));

const latencies = new LatencyLog();
let ok = 0;
let errors = 0;
let issued = 0;
const errorSamples = new Set<string>();
let measuring = spec.totalWrites !== undefined;
let stopAt = Number.POSITIVE_INFINITY;
let windowStart = performance.now();
// Writes acknowledged in each whole second since the generator started (warm-up included): the warm-up curve.
const perSecond: number[] = [];
let runStart = 0;

function makeValue(n: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[(i * 7 + 3) % alphabet.length];
  return s;
}

function noteError(what: string): void {
  errors++;
  if (errorSamples.size < 5) errorSamples.add(what.slice(0, 200));
}

async function slot(i: number): Promise<void> {
  const pool = pools[i % pools.length]!;
  while (true) {
    const now = performance.now();
    if (now >= stopAt) return;
    if (spec.totalWrites !== undefined && issued >= spec.totalWrites) return;
    issued++;
    const k = Math.floor(Math.random() * keys.length);
    const counted = measuring;
    const t0 = performance.now();
    try {
      const res = await pool.request({ path: paths[k]!, method, headers, body: bodies[k]! });
      const text = await res.body.text();
      const t1 = performance.now();
      if (res.statusCode !== 200) {
        if (counted && t1 <= stopAt) noteError(`${res.statusCode} ${text}`);
        await new Promise((r) => setTimeout(r, 10));
        continue;
      }
      const second = Math.floor((t1 - runStart) / 1000);
      perSecond[second] = (perSecond[second] ?? 0) + 1;
      if (counted && t1 <= stopAt) {
        ok++;
        latencies.add(t1 - t0);
      }
    } catch (e) {
      if (counted) noteError(e instanceof Error ? e.message : String(e));
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

async function main(): Promise<void> {
  const slots: Promise<void>[] = [];
  const started = (runStart = performance.now());
  for (let i = 0; i < spec.concurrency; i++) slots.push(slot(i));
  let progress: NodeJS.Timeout | undefined;
  if (spec.totalWrites === undefined) {
    await new Promise((r) => setTimeout(r, spec.warmupMs ?? 0));
    measuring = true;
    windowStart = performance.now();
    stopAt = windowStart + (spec.durationMs ?? 1000);
  } else {
    windowStart = started;
    progress = setInterval(() => process.stderr.write(`progress ${ok} ok ${errors} errors ${((performance.now() - started) / 1000).toFixed(0)} s\n`), 10_000);
  }
  await Promise.all(slots);
  if (progress) clearInterval(progress);
  const windowEnd = spec.totalWrites === undefined ? stopAt : performance.now();
  const seconds = (windowEnd - windowStart) / 1000;
  // performance.now() and process.hrtime share the monotonic clock; convert the window to absolute µs.
  const offsetUs = Number(process.hrtime.bigint() / 1000n) - performance.now() * 1000;
  await Promise.all(pools.map((p) => p.close()));
  const sorted = latencies.sorted();
  const result: LoadResult = {
    kind: spec.kind,
    concurrency: spec.concurrency,
    ok,
    errors,
    seconds,
    putsPerSec: ok / seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length > 0 ? sorted[sorted.length - 1]! : Number.NaN,
    errorSamples: [...errorSamples],
    windowStartUs: offsetUs + windowStart * 1000,
    windowEndUs: offsetUs + windowEnd * 1000,
    perSecond: Array.from(perSecond, (n) => n ?? 0),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();
