// file:// sinks. A batch run writes to a temporary dot file next to the target (`.<name>.<pid>.<n>.tmp`, which
// sources skip) and renames it over the target on commit, so readers see the old file or the new one, never a
// partial one (the file is fsynced before the rename); on FAIL/ABORT the temporary file is removed and the target
// is left untouched. A @stream run appends to the target in place (a stream never "completes"; what was
// processed stays written).
// Parent folders are created inside the data root only (data-path.ts).
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { DataFormat } from '../../../contracts/desired-state.ts';
import { prepareSinkPath } from '../data-path.ts';
import { SliceError, messageOf } from '../errors.ts';
import type { Rec } from '../types.ts';
import { encoderFor } from './encoders.ts';
import type { RecordSink } from './record-sink.ts';

let tmpCounter = 0;

export interface FileSinkOptions {
  readonly append: boolean;
}

export function fileSink(id: string, dataRoot: string, rel: string, format: DataFormat, opts: FileSinkOptions): RecordSink {
  const encoder = encoderFor(format);
  let target: string | undefined;
  let tmp: string | undefined;
  let out: WriteStream | undefined;
  let failure: Error | undefined;

  const open = async (): Promise<WriteStream> => {
    if (out !== undefined) return out;
    target = await prepareSinkPath(dataRoot, rel);
    tmp = opts.append ? target : join(dirname(target), `.${basename(target)}.${process.pid}.${++tmpCounter}.tmp`);
    // flush: fsync before close, so the rename publishes data that is on disk.
    const stream = createWriteStream(tmp, { flags: opts.append ? 'a' : 'w', highWaterMark: 1 << 20, flush: !opts.append });
    stream.on('error', (e) => {
      failure = e;
    });
    out = stream;
    return stream;
  };
  const write = async (text: string): Promise<void> => {
    const stream = await open();
    if (failure !== undefined) throw ioError(failure);
    if (text === '') return;
    if (!stream.write(text)) await drained(stream);
    if (failure !== undefined) throw ioError(failure);
  };

  return {
    id,
    write: (records: readonly Rec[]) => write(encoder.encode(records)),
    async commit() {
      await write(encoder.finish());
      const stream = out!;
      await new Promise<void>((resolve, reject) => stream.end((e?: Error | null) => (e ? reject(ioError(e)) : resolve())));
      if (!opts.append) await rename(tmp!, target!).catch((e: unknown) => Promise.reject(ioError(e)));
    },
    async abort() {
      if (out === undefined) return;
      const stream = out;
      await new Promise<void>((resolve) => stream.end(() => resolve()));
      if (!opts.append && tmp !== undefined) await unlink(tmp).catch(() => undefined);
    },
  };
}

function drained(stream: WriteStream): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('error', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('error', done);
    stream.on('close', done);
  });
}

function ioError(e: unknown): SliceError {
  return e instanceof SliceError ? e : new SliceError('SLICE_IO', `writing a sink failed: ${messageOf(e)}`, {}, { cause: e });
}
