// `stdin:` (or any Readable): NDJSON/CSV/JSON from a stream, for @stream scenarios. The run ends when the
// stream ends; an abort signal destroys the stream so a blocked read wakes up. Records are handed on as soon as
// the input goes idle (a partial chunk), so a quiet stream never holds back what it has read.
import type { Readable } from 'node:stream';
import type { DataFormat } from '../../../contracts/desired-state.ts';
import { decoderFor, readChunks } from './read-chunks.ts';
import type { RecordSource, SourceChunk } from './record-source.ts';

export function streamSource(id: string, input: Readable, format: DataFormat): RecordSource {
  return {
    id,
    async *chunks(chunkSize: number, signal?: AbortSignal): AsyncGenerator<SourceChunk> {
      const stop = (): void => {
        input.destroy();
      };
      signal?.addEventListener('abort', stop, { once: true });
      try {
        yield* readChunks(input, decoderFor(format, id, id), chunkSize, signal, 'idle');
      } catch (e) {
        if (signal?.aborted !== true) throw e;
      } finally {
        signal?.removeEventListener('abort', stop);
      }
    },
  };
}
