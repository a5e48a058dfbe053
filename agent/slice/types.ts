// Shapes shared by the slice runtime: records, chunks, step outputs, the run context and the run result.
// A record is one decoded JSON object; a chunk is an array of records and is the unit of work everywhere
// (sources yield chunks, steps map chunks to chunks, sinks write chunks), so per-record overhead is a loop
// iteration, not a stream stage.
import type { Readable, Writable } from 'node:stream';
import type { QualityResult } from '../../contracts/record-validator/quality-state.ts';
import type { RecordSink } from './sinks/record-sink.ts';
import type { RecordSource } from './sources/record-source.ts';

export type Rec = Record<string, unknown>;

/** A record a step (or a source, or a sink's `when`) refused, with why. */
export interface Rejected {
  readonly record: Rec;
  readonly step: string;
  readonly reason: string;
}

/** What a step makes of one chunk. `routed` maps a sink id to the records a `route` step sent there only. */
export interface StepOutput {
  readonly out: Rec[];
  readonly rejects: Rejected[];
  readonly routed?: ReadonlyMap<string, Rec[]>;
}

/** A contract as the desired state carries it; only the parsed document is needed here. */
export interface ContractLike {
  readonly document: Readonly<Record<string, unknown>>;
}

/** Override of a source's input, e.g. a golden `input/<source-id>.ndjson` (read as NDJSON unless `format`). */
export type InputOverride = string | { readonly path: string; readonly format: 'ndjson' | 'csv' | 'json' };

export interface RunStats {
  readonly recordsIn: Record<string, number>;
  readonly recordsOut: Record<string, number>;
  deadLettered: number;
  /** Rejects with no dead-letter sink to receive them (counted, not written). */
  droppedRejects: number;
  durationMs: number;
  bytesIn: number;
  /** Source chunks read but not yet fully written by every sink; `max` proves backpressure holds. */
  inFlightChunks: number;
  maxInFlightChunks: number;
}

export interface QualityReport {
  readonly step: string;
  readonly contract: string;
  readonly dataset: string;
  readonly rows: number;
  readonly results: readonly QualityResult[];
  /** @parallel: the worker (partition) whose records were measured. */
  readonly partition?: number;
}

export type RunStatus = 'COMPLETE' | 'FAIL' | 'ABORT';

export interface RunResult {
  readonly status: RunStatus;
  readonly error?: { readonly code: string; readonly message: string };
  readonly stats: RunStats;
  readonly quality: readonly QualityReport[];
}

export interface RunContext {
  /** Repository (commit checkout) root: user step modules are loaded from `<repoRoot>/<module>`. */
  readonly repoRoot: string;
  /** Herd data root: every `file://` URI resolves inside it (lexically and after symlinks). */
  readonly dataRoot: string;
  readonly contracts: Readonly<Record<string, ContractLike>>;
  /** Source id → file read instead of the source's URI (outside the data root allowed: the caller chose it). */
  readonly inputs?: Readonly<Record<string, InputOverride>>;
  /** Source/sink id → custom implementation (the extension point for other kinds of storage). */
  readonly sources?: Readonly<Record<string, RecordSource>>;
  readonly sinks?: Readonly<Record<string, RecordSink>>;
  readonly signal?: AbortSignal;
  onProgress?(stats: Readonly<RunStats>): void;
  /** Records per chunk (default 1024). */
  readonly chunkSize?: number;
  /** `stdin:` / `stdout:` streams (default process.stdin / process.stdout). */
  readonly stdin?: Readable;
  readonly stdout?: Writable;
  /** Key of the `tokenize` mask strategy; default: random per run (tokens join within one run only). */
  readonly tokenKey?: string;
  /** Minimum milliseconds between onProgress calls (default 1000). */
  readonly progressIntervalMs?: number;
}
