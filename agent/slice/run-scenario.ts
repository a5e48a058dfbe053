// runScenario: runs one compiled scenario to completion (or, for @stream, until its input ends or the signal
// stops it). The main loop:
//   1. wire the DAG (wiring.ts), import user step modules once, build every step (contracts compiled once,
//      CEL parsed once), open sources and sinks;
//   2. read the sources one after another in declaration order, chunk by chunk; tag `_source` on fan-in;
//      push each chunk through the pipeline (pipeline.ts) and await it before reading the next: backpressure;
//   3. after a source ends, flush the steps whose upstreams all ended (batch steps emit there);
//   4. COMPLETE: commit every sink (atomic rename). FAIL/ABORT: discard every sink's output — except that a
//      @stream run stopped by its signal commits what it processed (a stream has no natural end).
// Never throws: failures come back as `{status: 'FAIL', error: {code, message}}` with stable SLICE_ codes.
// @parallel(n>1) hands the run to parallel.ts: this same loop then runs in n worker processes.
import { randomBytes } from 'node:crypto';
import type { ScenarioSpec } from '../../contracts/desired-state.ts';
import { messageOf } from './errors.ts';
import { openSink, openSource } from './open-io.ts';
import { Pipeline, type SinkRuntime } from './pipeline.ts';
import type { RecordSink } from './sinks/record-sink.ts';
import { compileCondition } from './steps/cel.ts';
import { createStep } from './steps/create-step.ts';
import type { StepRuntime } from './steps/step.ts';
import { loadUserModule, type LoadedModule } from './steps/user-step.ts';
import { runParallel } from './parallel.ts';
import { emptyStats, throwIfAborted, toErrorData } from './run-stats.ts';
import type { QualityReport, RunContext, RunResult } from './types.ts';
import { buildWiring } from './wiring.ts';

export const DEFAULT_CHUNK_SIZE = 1024;

export async function runScenario(spec: ScenarioSpec, ctx: RunContext): Promise<RunResult> {
  if (spec.parallel.n > 1 && ctx.sources === undefined && ctx.sinks === undefined) return runParallel(spec, ctx);
  const started = performance.now();
  const stats = emptyStats(spec);
  const sinks = new Map<string, RecordSink>();
  const steps = new Map<string, StepRuntime>();
  const finish = (status: RunResult['status'], error?: { code: string; message: string }): RunResult => {
    stats.durationMs = performance.now() - started;
    const quality: QualityReport[] = [];
    for (const s of steps.values()) if (s.quality !== undefined) quality.push(s.quality());
    return error === undefined ? { status, stats, quality } : { status, error, stats, quality };
  };
  try {
    throwIfAborted(ctx.signal);
    const wiring = buildWiring(spec);
    const modules = await loadModules(spec, ctx.repoRoot);
    const deps = { scenarioContract: spec.contract, contracts: ctx.contracts, modules, tokenKey: ctx.tokenKey ?? randomBytes(32).toString('hex') };
    for (const id of wiring.order) steps.set(id, createStep(spec.steps.find((s) => s.id === id)!, deps));
    const sinkRuntimes = new Map<string, SinkRuntime>();
    for (const s of spec.sinks) {
      const sink = openSink(s, ctx, spec.trigger.kind === 'stream');
      sinks.set(s.id, sink);
      const when = s.when === undefined ? undefined : compileCondition(s.when, `sink ${s.id} when`);
      sinkRuntimes.set(s.id, when === undefined ? { sink, deadLetter: s.deadLetter } : { sink, when, deadLetter: s.deadLetter });
    }
    const pipeline = new Pipeline(wiring, steps, sinkRuntimes, stats, spec.failFast);
    const fanIn = spec.sources.length > 1;
    const chunkSize = Math.max(1, ctx.chunkSize ?? DEFAULT_CHUNK_SIZE);
    const progressEvery = ctx.progressIntervalMs ?? 1000;
    let lastProgress = performance.now();

    for (const sourceSpec of spec.sources) {
      const source = openSource(sourceSpec, ctx);
      for await (const chunk of source.chunks(chunkSize, ctx.signal)) {
        throwIfAborted(ctx.signal);
        stats.inFlightChunks++;
        stats.maxInFlightChunks = Math.max(stats.maxInFlightChunks, stats.inFlightChunks);
        stats.bytesIn += chunk.bytes;
        stats.recordsIn[sourceSpec.id] = (stats.recordsIn[sourceSpec.id] ?? 0) + chunk.records.length;
        if (fanIn) for (const r of chunk.records) r['_source'] = sourceSpec.id;
        await pipeline.reject(sourceSpec.id, chunk.rejects);
        await pipeline.emit(sourceSpec.id, chunk.records);
        stats.inFlightChunks--;
        if (ctx.onProgress !== undefined && performance.now() - lastProgress >= progressEvery) {
          lastProgress = performance.now();
          ctx.onProgress({ ...stats, durationMs: lastProgress - started });
        }
      }
      throwIfAborted(ctx.signal);
      await pipeline.end(sourceSpec.id);
    }
    for (const sink of sinks.values()) await sink.commit();
    ctx.onProgress?.({ ...stats, durationMs: performance.now() - started });
    return finish('COMPLETE');
  } catch (e) {
    const aborted = ctx.signal?.aborted === true;
    const keep = aborted && spec.trigger.kind === 'stream';
    for (const sink of sinks.values()) await (keep ? sink.commit() : sink.abort()).catch(() => undefined);
    stats.inFlightChunks = 0;
    if (aborted) return finish('ABORT', { code: 'SLICE_ABORTED', message: `run stopped: ${messageOf(ctx.signal?.reason ?? 'aborted')}` });
    return finish('FAIL', toErrorData(e));
  }
}

async function loadModules(spec: ScenarioSpec, repoRoot: string): Promise<Map<string, LoadedModule>> {
  const modules = new Map<string, LoadedModule>();
  for (const step of spec.steps) {
    if (step.kind !== 'user' || step.module === undefined || modules.has(step.module)) continue;
    modules.set(step.module, await loadUserModule(repoRoot, step.module));
  }
  return modules;
}
