// The push side of the main loop: a chunk produced by a node (source or step) is written to the sinks that
// read that node, then fed to each step that reads it, depth first, and every call is awaited. Contract:
// - ordering: chunks leave a node in the order they entered it; a sink sees a producer's chunks in order;
// - backpressure: `emit` resolves only when every sink downstream has accepted the chunk (file streams below
//   their highWaterMark), so the source loop never reads the next chunk before the previous one is written.
//   At most one source chunk is in flight, plus what batch steps hold by their nature;
// - ownership: a chunk array belongs to the consumer it is passed to; with several step readers, the second
//   and later get structured clones (user steps may change records in place);
// - rejects leave the stream: they go to the producer's dead-letter sinks (else to every dead-letter sink)
//   as `{...record, _error: {step, reason}}`, or fail the run under @failFast.
import { SliceError } from './errors.ts';
import type { RecordSink } from './sinks/record-sink.ts';
import type { StepRuntime } from './steps/step.ts';
import type { Rec, Rejected, RunStats, StepOutput } from './types.ts';
import type { Wiring } from './wiring.ts';

export interface SinkRuntime {
  readonly sink: RecordSink;
  /** `when=` condition; a throw is a reject of that record by the sink. */
  readonly when?: (record: Rec) => boolean;
  readonly deadLetter: boolean;
}

export class Pipeline {
  private readonly remaining: Map<string, number>;

  constructor(
    private readonly wiring: Wiring,
    private readonly steps: ReadonlyMap<string, StepRuntime>,
    private readonly sinks: ReadonlyMap<string, SinkRuntime>,
    private readonly stats: RunStats,
    private readonly failFast: boolean,
  ) {
    this.remaining = new Map(wiring.upstreams);
  }

  /** Records produced by `producer` go downstream. */
  async emit(producer: string, records: Rec[]): Promise<void> {
    if (records.length === 0) return;
    for (const sinkId of this.wiring.sinkReaders.get(producer) ?? []) await this.toSink(sinkId, records);
    const readers = this.wiring.stepReaders.get(producer) ?? [];
    for (let i = 0; i < readers.length; i++) {
      await this.feed(readers[i]!, i === 0 ? records : structuredClone(records));
    }
  }

  /** Records `producer` rejected leave the stream here. */
  async reject(producer: string, rejects: readonly Rejected[]): Promise<void> {
    if (rejects.length === 0) return;
    if (this.failFast) {
      const r = rejects[0]!;
      throw new SliceError('SLICE_RECORD_REJECTED', `${r.step}: ${r.reason}`, { step: r.step, reason: r.reason });
    }
    this.stats.deadLettered += rejects.length;
    const targets = this.wiring.deadLetterReaders.get(producer) ?? this.wiring.allDeadLetters;
    if (targets.length === 0) {
      this.stats.droppedRejects += rejects.length;
      return;
    }
    const records = rejects.map((r) => ({ ...r.record, _error: { step: r.step, reason: r.reason } }));
    for (const sinkId of targets) await this.toSink(sinkId, records);
  }

  /** `producer` will send nothing more: steps whose every upstream ended are flushed, depth first. */
  async end(producer: string): Promise<void> {
    for (const stepId of this.wiring.stepReaders.get(producer) ?? []) {
      const left = (this.remaining.get(stepId) ?? 1) - 1;
      this.remaining.set(stepId, left);
      if (left > 0) continue;
      const step = this.steps.get(stepId)!;
      if (step.flush !== undefined) await this.handle(stepId, await step.flush());
      await this.end(stepId);
    }
  }

  private async feed(stepId: string, records: Rec[]): Promise<void> {
    const step = this.steps.get(stepId)!;
    await this.handle(stepId, await step.process(records));
  }

  private async handle(stepId: string, output: StepOutput): Promise<void> {
    await this.reject(stepId, output.rejects);
    if (output.routed !== undefined) {
      for (const [sinkId, records] of output.routed) if (records.length > 0) await this.toSink(sinkId, records);
    }
    await this.emit(stepId, output.out);
  }

  private async toSink(sinkId: string, records: readonly Rec[]): Promise<void> {
    const s = this.sinks.get(sinkId)!;
    let batch = records;
    if (s.when !== undefined) {
      const kept: Rec[] = [];
      const failed: Rejected[] = [];
      for (const r of records) {
        try {
          if (s.when(r)) kept.push(r);
        } catch (e) {
          failed.push({ record: r, step: sinkId, reason: e instanceof Error ? e.message : String(e) });
        }
      }
      batch = kept;
      // A `when` that cannot be evaluated is a reject of the record by this sink (never silently dropped);
      // on a dead-letter sink it is only counted (rejecting into the dead letters again could loop).
      if (failed.length > 0 && s.deadLetter) this.stats.droppedRejects += failed.length;
      else if (failed.length > 0) await this.reject(sinkId, failed);
    }
    if (batch.length === 0) return;
    await s.sink.write(batch);
    this.stats.recordsOut[sinkId] = (this.stats.recordsOut[sinkId] ?? 0) + batch.length;
  }
}
