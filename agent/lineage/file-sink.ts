// Lineage to a file: each event appended as one NDJSON line (`runi run --lineage FILE`). Parent folders are
// created; writes are serialised so events keep their order.
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { LINEAGE_CODES, lineageError } from './errors.ts';
import type { LineageSink } from './lineage-sink.ts';
import type { RunEvent } from './openlineage-types.ts';

export async function fileSink(path: string): Promise<LineageSink> {
  await mkdir(dirname(path), { recursive: true });
  const fh: FileHandle = await open(path, 'a');
  let chain: Promise<unknown> = Promise.resolve();
  let closed = false;
  return {
    emit(event: RunEvent): Promise<void> {
      if (closed) return Promise.reject(lineageError(LINEAGE_CODES.EMITTER_CLOSED, `lineage file ${path} is closed`, { path }));
      const next = chain.then(() => fh.appendFile(`${JSON.stringify(event)}\n`, 'utf8'));
      chain = next.catch(() => undefined);
      return next;
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await chain;
      await fh.close();
    },
  };
}
