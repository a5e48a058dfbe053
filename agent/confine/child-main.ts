// The slice runtime's side of the pipe (see child-entry.mjs, which only calls `childMain`). Loaded by the
// launcher too (warm-up of the tsx cache), so it must have no side effects at import.
import { Socket } from 'node:net';
import { lines, writeText } from '../slice/line-reader.ts';
import { runScenario } from '../slice/run-scenario.ts';
import { encode, type ChildMessage, type InitMessage, type ParentMessage } from './protocol.ts';

export async function childMain(fd: number): Promise<void> {
  const sock = new Socket({ fd, readable: true, writable: true });
  const send = (m: ChildMessage): Promise<void> => writeText(sock, encode(m));
  const input = lines(sock);
  await send({ ready: true });
  const first = await input.next();
  if (first.done === true) process.exit(0);
  const opening = JSON.parse(first.value) as ParentMessage;
  if (!('init' in opening)) process.exit(0); // stopped before it was given a run
  const { init } = opening as InitMessage;
  const controller = new AbortController();
  void (async () => {
    for await (const line of input) {
      const m = JSON.parse(line) as ParentMessage;
      if ('stop' in m) controller.abort(m.stop);
    }
    controller.abort('the launcher closed the control pipe');
  })();
  const result = await runScenario(init.spec, {
    repoRoot: init.repoRoot,
    dataRoot: init.dataRoot,
    contracts: init.contracts,
    ...(init.inputs !== undefined ? { inputs: init.inputs } : {}),
    ...(init.tokenKey !== undefined ? { tokenKey: init.tokenKey } : {}),
    signal: controller.signal,
    progressIntervalMs: init.progressIntervalMs,
    onProgress: (stats) => void send({ progress: stats }),
  });
  await send({ result });
  sock.end(() => process.exit(0));
}
