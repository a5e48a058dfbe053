// Starts Barn with 1 or 3 nodes as real `runi barn start` processes on loopback, fresh data dirs, default
// durability (fsync on). Ready when every node reports the same non-empty leader in GET /v1/status.
// Each member is started as users start it, through the `bin/runi` launcher (which sets MALLOC_ARENA_MAX and execs
// node, so the pid is the server's). `nodeFlags` go to node before bin/runi.mjs (e.g. --cpu-prof: RUNI_NODE_FLAGS,
// split on spaces); profiles are written when a node exits on SIGTERM (runi barn start closes gracefully and returns).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { freePorts } from '../../barn/node/test-support.ts';
import { assertAlive, spawnServer, stopServer, waitUntil, type RunningCluster, type ServerProcess } from './server-process.ts';

export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const RUNI = join(REPO_ROOT, 'bin', 'runi');
export const BARN_TOKEN = 'bench-barn-token';

export interface BarnStartOptions {
  /** Flags for node before bin/runi.mjs; `{id}` in a flag is replaced by the node's id (n1, n2, …). */
  readonly nodeFlags?: readonly string[];
}

export async function startBarnCluster(size: number, baseDir: string, opts: BarnStartOptions = {}): Promise<RunningCluster> {
  const ports = await freePorts(size);
  const ids = Array.from({ length: size }, (_, i) => `n${i + 1}`);
  const url = (i: number): string => `http://127.0.0.1:${ports[i]}`;
  const peers = ids.map((id, i) => `${id}=${url(i)}`).join(',');
  mkdirSync(baseDir, { recursive: true });
  const tokenFile = join(baseDir, 'token');
  writeFileSync(tokenFile, `${BARN_TOKEN}\n`, { mode: 0o600 });
  const members: ServerProcess[] = ids.map((id, i) => {
    const dataDir = join(baseDir, id);
    const args = ['barn', 'start', '--id', id, '--listen', `127.0.0.1:${ports[i]}`, '--peers', peers, '--data-dir', dataDir, '--token-file', tokenFile];
    const nodeFlags = (opts.nodeFlags ?? []).map((f) => f.replaceAll('{id}', id)).join(' ');
    return spawnServer(id, RUNI, args, { dataDir, logFile: join(baseDir, `${id}.log`), url: url(i), cwd: REPO_ROOT, env: { RUNI_NODE_FLAGS: nodeFlags } });
  });
  const cluster: RunningCluster = { kind: 'barn', members, token: BARN_TOKEN, stop: async () => void (await Promise.all(members.map((m) => stopServer(m)))) };
  try {
    await waitUntil(`barn x${size} with a leader`, 60_000, async () => {
      assertAlive(members);
      const leaders = new Set<string>();
      for (const m of members) leaders.add((await barnStatus(m.url)).leader);
      return leaders.size === 1 && !leaders.has('');
    });
  } catch (e) {
    await cluster.stop();
    throw e;
  }
  return cluster;
}

export interface BarnStatusBody {
  readonly id: string;
  readonly role: string;
  readonly leader: string;
  readonly revision: number;
  readonly appliedIndex: number;
}

export async function barnStatus(url: string): Promise<BarnStatusBody> {
  const res = await request(`${url}/v1/status`, { headers: { authorization: `Bearer ${BARN_TOKEN}` }, headersTimeout: 5000, bodyTimeout: 5000 });
  if (res.statusCode !== 200) {
    await res.body.dump();
    throw new Error(`GET ${url}/v1/status: ${res.statusCode}`);
  }
  return (await res.body.json()) as BarnStatusBody;
}
