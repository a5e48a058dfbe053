// `stdout:` (or any Writable): records are written as they come, honouring the writable's backpressure
// (`write() === false` → wait for `drain`). The stream is not ended on commit (stdout belongs to the process);
// abort writes nothing more. Output already written cannot be taken back.
import type { Writable } from 'node:stream';
import type { DataFormat } from '../../../contracts/desired-state.ts';
import type { Rec } from '../types.ts';
import { encoderFor } from './encoders.ts';
import type { RecordSink } from './record-sink.ts';

export function streamSink(id: string, output: Writable, format: DataFormat): RecordSink {
  const encoder = encoderFor(format);
  const write = async (text: string): Promise<void> => {
    if (text === '' || output.write(text)) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        output.off('drain', done);
        output.off('close', done);
        resolve();
      };
      output.on('drain', done);
      output.on('close', done);
    });
  };
  return {
    id,
    write: (records: readonly Rec[]) => write(encoder.encode(records)),
    commit: () => write(encoder.finish()),
    abort: async () => undefined,
  };
}
