// The contract between the benchmark and its load generator child (load-gen.ts): a LoadSpec goes in as the
// child's one argument (JSON), one LoadResult comes back as the last line of its stdout (JSON). The child is
// a separate process so the load generator never shares a CPU thread with the orchestration or a server.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SystemKind } from './server-process.ts';

export interface LoadSpec {
  readonly kind: SystemKind;
  /** Client URLs; request slot i uses endpoints[i % endpoints.length]. */
  readonly endpoints: readonly string[];
  /** Bearer token (Barn). */
  readonly token?: string;
  /** Requests in flight (each slot has its own keep-alive connection). */
  readonly concurrency: number;
  /** Keys are `bench-k<n>` with n uniform in [0, keys). */
  readonly keys: number;
  readonly valueBytes: number;
  /** Timed mode: warm up, then measure for durationMs. */
  readonly warmupMs?: number;
  readonly durationMs?: number;
  /** Count mode (the soak): send exactly this many writes, then stop. */
  readonly totalWrites?: number;
  /** Per-request timeout (ms). */
  readonly timeoutMs?: number;
}

export interface LoadResult {
  readonly kind: SystemKind;
  readonly concurrency: number;
  /** Successful writes in the measured window (timed) or overall (count mode). */
  readonly ok: number;
  readonly errors: number;
  readonly seconds: number;
  readonly putsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** The measured window on the machine's monotonic clock in µs (process.hrtime; the clock V8 profiles use). */
  readonly windowStartUs: number;
  readonly windowEndUs: number;
  /** Successful writes in each whole second since the generator started, warm-up included. */
  readonly perSecond?: readonly number[];
  /** First few distinct error descriptions (status + body start, or exception message). */
  readonly errorSamples: readonly string[];
}

const LOAD_GEN = join(fileURLToPath(new URL('.', import.meta.url)), 'load-gen.ts');

/** Runs the load generator in a child process and returns its result; rejects if the child fails. */
export async function runLoad(spec: LoadSpec, onProgress?: (line: string) => void): Promise<LoadResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', LOAD_GEN, JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    err += d;
    if (onProgress) for (const line of d.split('\n')) if (line.trim() !== '') onProgress(line);
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  const last = out.trim().split('\n').at(-1) ?? '';
  if (code !== 0 || last === '') throw new Error(`load generator failed (exit ${code}): ${err.slice(-2000)}`);
  return JSON.parse(last) as LoadResult;
}
