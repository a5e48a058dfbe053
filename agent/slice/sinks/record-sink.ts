// The sink side of a slice. Contract:
// - `write` receives chunks in order and resolves when the chunk is handed to the OS (or the writable's buffer
//   is below its highWaterMark): the runtime awaits it before reading more input, which is the backpressure;
// - ownership: records are lent for the duration of `write` only (later steps may change them in place), so a
//   sink that keeps them must encode or copy them before its promise resolves;
// - `commit` makes everything written visible (atomic rename for files) and is called once, at COMPLETE;
// - `abort` discards what was written (no partial output file) and is called on FAIL/ABORT. Either may be
//   called without any write (an empty sink still produces an empty file on commit).
import type { Rec } from '../types.ts';

export interface RecordSink {
  readonly id: string;
  write(records: readonly Rec[]): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}
