// @parallel(n, key=): the parent side. The only place in the slice runtime that spawns processes.
// - n worker processes (parallel-worker.ts under tsx) joined by OS pipes: records go down each worker's stdin
//   as NDJSON frames (one frame per chunk part), sink output comes back on fd 3 (parallel-protocol.ts);
// - the parent reads the sources (in declaration order, as the in-process loop does) and sends each record
//   to worker `FNV-1a(JSON(record[key])) mod n`, so all records of one key meet in one worker: per-key steps
//   (dedupe on the key) keep their meaning. Batch user steps see only their partition's records;
// - backpressure end to end: the parent awaits each frame write (`drain`), a worker reads its stdin only as
//   fast as its loop runs, and the parent reads a worker's output only as fast as the sinks accept it;
// - the parent owns the sinks, so commit (atomic rename) and abort keep their meaning; sink order within one
//   partition is kept, across partitions it is not;
// - a worker that fails stops the run (FAIL with the worker's error); one that dies without a result is
//   SLICE_WORKER_FAILED; the abort signal kills the workers (ABORT).
// Quality is reported per partition (`partition` in each report): accumulators cannot be merged exactly.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { ScenarioSpec } from '../../contracts/desired-state.ts';
import { SliceError, messageOf } from './errors.ts';
import { lines, writeText } from './line-reader.ts';
import { openSink, openSource } from './open-io.ts';
import { partitionOf, type InFrame, type InitFrame, type OutFrame } from './parallel-protocol.ts';
import { emptyStats, throwIfAborted, toErrorData } from './run-stats.ts';
import type { RecordSink } from './sinks/record-sink.ts';
import type { QualityReport, Rec, RunContext, RunResult } from './types.ts';

const WORKER = fileURLToPath(new URL('./parallel-worker.ts', import.meta.url));

interface Worker {
  readonly child: ChildProcess;
  readonly stdin: Writable;
  readonly done: Promise<RunResult | undefined>;
}

export async function runParallel(spec: ScenarioSpec, ctx: RunContext): Promise<RunResult> {
  const started = performance.now();
  const n = spec.parallel.n;
  const stats = emptyStats(spec);
  const sinks: RecordSink[] = [];
  const workers: Worker[] = [];
  let failed: RunResult | undefined;
  const kill = (): void => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
  };
  ctx.signal?.addEventListener('abort', kill, { once: true });
  const finish = (status: RunResult['status'], quality: QualityReport[], error?: { code: string; message: string }): RunResult => {
    stats.durationMs = performance.now() - started;
    return error === undefined ? { status, stats, quality } : { status, error, stats, quality };
  };
  try {
    throwIfAborted(ctx.signal);
    for (const s of spec.sinks) sinks.push(openSink(s, ctx, spec.trigger.kind === 'stream'));
    // One write queue per sink: frames from several workers reach a sink one at a time, in arrival order.
    const queues = sinks.map(() => Promise.resolve());
    const init: InitFrame = { spec, repoRoot: ctx.repoRoot, dataRoot: ctx.dataRoot, contracts: ctx.contracts, tokenKey: ctx.tokenKey ?? randomBytes(32).toString('hex'), chunkSize: ctx.chunkSize ?? 1024 };
    for (let i = 0; i < n; i++) {
      const w = startWorker(async (frame) => {
        if ('done' in frame) return;
        const k = frame.k;
        const q = queues[k]!.then(() => sinks[k]!.write(frame.r));
        queues[k] = q;
        await q;
        stats.recordsOut[spec.sinks[k]!.id] = (stats.recordsOut[spec.sinks[k]!.id] ?? 0) + frame.r.length;
      });
      workers.push(w);
      w.done.then(
        (r) => {
          if (r?.status === 'FAIL' && failed === undefined) failed = r;
        },
        () => undefined, // reported by Promise.all below
      );
      await writeText(w.stdin, JSON.stringify(init) + '\n');
    }
    const send = (w: number, frame: InFrame): Promise<void> => writeText(workers[w]!.stdin, JSON.stringify(frame) + '\n');
    let lastProgress = performance.now();

    for (let s = 0; s < spec.sources.length && failed === undefined; s++) {
      const source = openSource(spec.sources[s]!, ctx);
      for await (const chunk of source.chunks(ctx.chunkSize ?? 1024, ctx.signal)) {
        throwIfAborted(ctx.signal);
        if (failed !== undefined) break;
        stats.bytesIn += chunk.bytes;
        stats.recordsIn[source.id] = (stats.recordsIn[source.id] ?? 0) + chunk.records.length;
        const parts: Rec[][] = Array.from({ length: n }, () => []);
        for (const r of chunk.records) parts[partitionOf(r, spec.parallel.key, n)]!.push(r);
        if (chunk.rejects.length > 0) await send(0, { s, j: chunk.rejects });
        for (let w = 0; w < n; w++) if (parts[w]!.length > 0) await send(w, { s, r: parts[w]! });
        if (ctx.onProgress !== undefined && performance.now() - lastProgress >= (ctx.progressIntervalMs ?? 1000)) {
          lastProgress = performance.now();
          ctx.onProgress({ ...stats, durationMs: lastProgress - started });
        }
      }
      throwIfAborted(ctx.signal);
      for (let w = 0; w < n; w++) await send(w, { e: s });
    }
    for (const w of workers) w.stdin.end();
    const results = await Promise.all(workers.map((w) => w.done));
    await Promise.all(queues);
    throwIfAborted(ctx.signal);
    const quality = results.flatMap((r, partition) => (r?.quality ?? []).map((q) => ({ ...q, partition })));
    for (const r of results) {
      stats.deadLettered += r?.stats.deadLettered ?? 0;
      stats.droppedRejects += r?.stats.droppedRejects ?? 0;
    }
    const bad = results.find((r) => r === undefined || r.status !== 'COMPLETE');
    if (bad !== undefined || failed !== undefined) {
      const error = (failed ?? bad)?.error ?? { code: 'SLICE_WORKER_FAILED', message: 'a @parallel worker exited without a result' };
      for (const sink of sinks) await sink.abort().catch(() => undefined);
      return finish('FAIL', quality, error);
    }
    for (const sink of sinks) await sink.commit();
    return finish('COMPLETE', quality);
  } catch (e) {
    kill();
    const aborted = ctx.signal?.aborted === true;
    const keep = aborted && spec.trigger.kind === 'stream';
    for (const sink of sinks) await (keep ? sink.commit() : sink.abort()).catch(() => undefined);
    if (aborted) return finish('ABORT', [], { code: 'SLICE_ABORTED', message: `run stopped: ${messageOf(ctx.signal?.reason ?? 'aborted')}` });
    if (failed?.error !== undefined) return finish('FAIL', [], failed.error);
    return finish('FAIL', [], toErrorData(e));
  } finally {
    ctx.signal?.removeEventListener('abort', kill);
  }
}

function startWorker(onFrame: (frame: OutFrame) => Promise<void>): Worker {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), WORKER], { stdio: ['pipe', 'inherit', 'inherit', 'pipe'] });
  const stdin = child.stdin!;
  stdin.on('error', () => undefined); // a worker that exited early: its result (or absence) decides the run
  const output = child.stdio[3] as Readable;
  const done = (async (): Promise<RunResult | undefined> => {
    let result: RunResult | undefined;
    try {
      for await (const line of lines(output)) {
        if (line === '') continue;
        const frame = JSON.parse(line) as OutFrame;
        if ('done' in frame) result = frame.done;
        else await onFrame(frame);
      }
    } catch (e) {
      if (result === undefined) throw new SliceError('SLICE_WORKER_FAILED', `a @parallel worker broke its protocol: ${messageOf(e)}`);
    }
    if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
    return result;
  })();
  done.catch(() => undefined);
  return { child, stdin, done };
}
