// Probe — tries what the probe record asks for and reports each attempt as ok or with its error code:
//   write: paths to create a file at;  read: files to read;  dial: a TCP port on 127.0.0.1;  env: true to list
//   the environment.
import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';

type Attempt = { target: string; ok: boolean; code?: string };

function attempt(target: string, fn: () => void): Attempt {
  try {
    fn();
    return { target, ok: true };
  } catch (e) {
    return { target, ok: false, code: (e as { code?: string }).code ?? String(e) };
  }
}

function dial(port: number): Promise<Attempt> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port, timeout: 3000 });
    s.once('connect', () => {
      s.destroy();
      resolve({ target: `127.0.0.1:${port}`, ok: true });
    });
    s.once('timeout', () => {
      s.destroy();
      resolve({ target: `127.0.0.1:${port}`, ok: false, code: 'TIMEOUT' });
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve({ target: `127.0.0.1:${port}`, ok: false, code: e.code ?? e.message }));
  });
}

export default async function probe(record: Record<string, unknown>): Promise<Record<string, unknown>> {
  const writes = ((record['write'] as string[] | undefined) ?? []).map((p) => attempt(p, () => writeFileSync(p, 'escaped\n')));
  const reads = ((record['read'] as string[] | undefined) ?? []).map((p) => attempt(p, () => readFileSync(p)));
  const port = record['dial'];
  const dialed = typeof port === 'number' ? [await dial(port)] : [];
  const env = record['env'] === true ? { ...process.env } : undefined;
  return { writes, reads, dialed, env, uid: process.getuid?.(), pid: process.pid };
}
