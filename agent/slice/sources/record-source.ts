// The source side of a slice: anything that yields chunks of records. Contract:
// - chunks are yielded in input order and hold at most `chunkSize` records (plus rejects: lines that could not
//   be decoded, carried as `{_raw}` records with a reason);
// - a source is pulled (async iteration), so it reads only as fast as the slice consumes: that is the
//   backpressure, and it keeps memory at about one chunk per source regardless of the input size;
// - `bytes` is the number of input bytes consumed for the chunk (for stats).
import type { Rec, Rejected } from '../types.ts';

export interface SourceChunk {
  readonly records: Rec[];
  readonly rejects: Rejected[];
  readonly bytes: number;
}

export interface RecordSource {
  readonly id: string;
  chunks(chunkSize: number, signal?: AbortSignal): AsyncIterable<SourceChunk>;
}

/** Incremental text → records decoder for one input (file or stream). */
export interface Decoder {
  /** Decodes a piece of text; complete records go to `out`, undecodable ones to `rejects`. */
  write(text: string, out: Rec[], rejects: Rejected[]): void;
  /** End of input: decodes what remains. */
  end(out: Rec[], rejects: Rejected[]): void;
}

export function isRecord(v: unknown): v is Rec {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
