// Async line iteration over a byte stream (the NDJSON frames of the @parallel protocol). Pull-based: the next
// piece is read only when the consumer asks for the next line, so a slow consumer backs up the pipe.
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

export async function* lines(input: Readable): AsyncGenerator<string> {
  const text = new StringDecoder('utf8');
  let tail = '';
  for await (const piece of input) {
    const data = tail + (typeof piece === 'string' ? piece : text.write(piece as Buffer));
    let from = 0;
    let nl: number;
    while ((nl = data.indexOf('\n', from)) !== -1) {
      yield data.slice(from, nl);
      from = nl + 1;
    }
    tail = data.slice(from);
  }
  tail += text.end();
  if (tail !== '') yield tail;
}

/** Writes `text`, resolving once the stream accepted it (after `drain` when its buffer is full). */
export function writeText(out: NodeJS.WritableStream, text: string): Promise<void> {
  if (out.write(text)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      out.removeListener('drain', done);
      out.removeListener('close', done);
      out.removeListener('error', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
    out.on('error', done);
  });
}
