// Byte stream → chunks of records through a Decoder. Pull-based: the next piece of input is read only after the
// consumer asked for the next chunk, so a slow consumer stalls the read (the stream's own buffer, one
// highWaterMark, is the only read-ahead). UTF-8 is decoded with a StringDecoder so multi-byte characters split
// across pieces survive.
//
// Handing on: `full` (files) hands records on once at least chunkSize are held (in chunks of at most chunkSize)
// or the input ends, so chunks stay large; `idle` (streams: stdin, FIFOs, sockets) also hands on whatever it holds as soon as the input has
// nothing more buffered, so a slow @stream never sits on records waiting for a chunk to fill.
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { DataFormat } from '../../../contracts/desired-state.ts';
import type { Rec, Rejected } from '../types.ts';
import { csvDecoder } from './csv-decoder.ts';
import { jsonDecoder } from './json-decoder.ts';
import { ndjsonDecoder } from './ndjson-decoder.ts';
import type { Decoder, SourceChunk } from './record-source.ts';

export function decoderFor(format: DataFormat, sourceId: string, label: string): Decoder {
  switch (format) {
    case 'ndjson':
      return ndjsonDecoder(sourceId, label);
    case 'csv':
      return csvDecoder(sourceId, label);
    case 'json':
      return jsonDecoder(sourceId, label);
  }
}

export type HandOn = 'full' | 'idle';

export async function* readChunks(input: Readable, decoder: Decoder, chunkSize: number, signal?: AbortSignal, handOn: HandOn = 'full'): AsyncGenerator<SourceChunk> {
  const text = new StringDecoder('utf8');
  let records: Rec[] = [];
  let rejects: Rejected[] = [];
  let bytes = 0;
  try {
    for await (const piece of input) {
      if (signal?.aborted) return;
      const buf = typeof piece === 'string' ? Buffer.from(piece) : (piece as Buffer);
      bytes += buf.length;
      decoder.write(text.write(buf), records, rejects);
      if (records.length >= chunkSize || rejects.length >= chunkSize || (handOn === 'idle' && isIdle(input, records, rejects))) {
        // A large piece may hold several chunks' worth: hand them out one chunk at a time.
        for (let i = 0; i < records.length; i += chunkSize) {
          const last = i + chunkSize >= records.length;
          yield { records: records.slice(i, i + chunkSize), rejects: last ? rejects : [], bytes: last ? bytes : 0 };
        }
        if (records.length === 0) yield { records: [], rejects, bytes };
        records = [];
        rejects = [];
        bytes = 0;
      }
    }
    decoder.write(text.end(), records, rejects);
    decoder.end(records, rejects);
    for (let i = 0; i < records.length; i += chunkSize) yield { records: records.slice(i, i + chunkSize), rejects: [], bytes: 0 };
    if (rejects.length > 0 || bytes > 0) yield { records: [], rejects, bytes };
  } finally {
    input.destroy();
  }
}

/** Nothing more is buffered in the input (the next read would wait) and something is held back. */
function isIdle(input: Readable, records: readonly Rec[], rejects: readonly Rejected[]): boolean {
  return input.readableLength === 0 && (records.length > 0 || rejects.length > 0);
}
