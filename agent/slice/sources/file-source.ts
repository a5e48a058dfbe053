// file:// sources: one file, a folder or a glob under the data root, read one file after another in lexical
// path order (see glob.ts). Files are opened only when the previous one is done, and each is streamed.
import { createReadStream } from 'node:fs';
import type { DataFormat } from '../../../contracts/desired-state.ts';
import { expandSourcePath } from '../glob.ts';
import { readChunks, decoderFor } from './read-chunks.ts';
import type { RecordSource, SourceChunk } from './record-source.ts';

const READ_BUFFER = 1 << 20;

/** Reads the files matching `rel` (relative to `dataRoot`); the expansion happens when iteration starts. */
export function fileSource(id: string, dataRoot: string, rel: string, format: DataFormat): RecordSource {
  return {
    id,
    async *chunks(chunkSize: number, signal?: AbortSignal): AsyncGenerator<SourceChunk> {
      const files = await expandSourcePath(dataRoot, rel);
      for (const file of files) {
        if (signal?.aborted) return;
        yield* readChunks(createReadStream(file, { highWaterMark: READ_BUFFER }), decoderFor(format, id, file.slice(file.lastIndexOf('/') + 1)), chunkSize, signal);
      }
    },
  };
}

/** An explicit file chosen by the caller (golden inputs): read as given, no data-root confinement. */
export function pathSource(id: string, path: string, format: DataFormat): RecordSource {
  return {
    id,
    chunks(chunkSize: number, signal?: AbortSignal): AsyncGenerator<SourceChunk> {
      return readChunks(createReadStream(path, { highWaterMark: READ_BUFFER }), decoderFor(format, id, path.slice(path.lastIndexOf('/') + 1)), chunkSize, signal);
    },
  };
}
