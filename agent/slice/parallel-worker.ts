// Entry point of one @parallel worker process (spawned by parallel.ts, never imported). Reads the Init frame
// from stdin, then runs the ordinary loop (runScenario) with the scenario's sources replaced by the frames
// arriving on stdin and its sinks replaced by Out frames on fd 3. Ends with a Done frame.
import { createWriteStream } from 'node:fs';
import { lines, writeText } from './line-reader.ts';
import type { InFrame, InitFrame, OutFrame } from './parallel-protocol.ts';
import { runScenario } from './run-scenario.ts';
import type { RecordSink } from './sinks/record-sink.ts';
import type { RecordSource, SourceChunk } from './sources/record-source.ts';

const out = createWriteStream('', { fd: 3 });
const send = (frame: OutFrame): Promise<void> => writeText(out, JSON.stringify(frame) + '\n');

async function main(): Promise<void> {
  const input = lines(process.stdin);
  const first = await input.next();
  if (first.done === true) return;
  const init = JSON.parse(first.value) as InitFrame;
  const spec = { ...init.spec, parallel: { n: 1 } };

  // Sources are read one after another, so one shared frame iterator serves them in turn: source i's chunks
  // are the frames up to its End frame.
  const sources: Record<string, RecordSource> = {};
  spec.sources.forEach((s, index) => {
    sources[s.id] = {
      id: s.id,
      async *chunks(): AsyncGenerator<SourceChunk> {
        for (;;) {
          const next = await input.next();
          if (next.done === true) return;
          const frame = JSON.parse(next.value) as InFrame;
          if ('e' in frame) {
            if (frame.e === index) return;
            continue;
          }
          if ('j' in frame) yield { records: [], rejects: frame.j, bytes: 0 };
          else yield { records: frame.r, rejects: [], bytes: 0 };
        }
      },
    };
  });
  const sinks: Record<string, RecordSink> = {};
  spec.sinks.forEach((s, k) => {
    sinks[s.id] = {
      id: s.id,
      write: (records) => send({ k, r: [...records] }),
      commit: async () => undefined,
      abort: async () => undefined,
    };
  });
  const result = await runScenario(spec, { repoRoot: init.repoRoot, dataRoot: init.dataRoot, contracts: init.contracts, tokenKey: init.tokenKey, chunkSize: init.chunkSize, sources, sinks });
  await send({ done: result });
  await new Promise<void>((resolve) => out.end(() => resolve()));
}

await main();
