// BarnCluster: N real `runi barn start` processes on loopback, for fault tests. Each node has its own data dir
// and listen port; peer traffic goes through a FaultNetwork (fault-proxy.ts), clients talk to nodes directly.
//
// Contracts:
// - `start` resolves once every node answers /healthz; it rejects (after killing what it started) otherwise.
// - `kill` resolves once the process has exited; `restart` reuses the same data dir, port and arguments and
//   resolves once the node answers /healthz again. `pause`/`resume` send SIGSTOP/SIGCONT.
// - Each node's stdout+stderr go to `<root>/<id>.log` (appended across restarts); `logTails()` renders the
//   ends of all logs for failure messages.
// - `close()` kills every child (SIGKILL works on stopped processes too) and the proxies. Idempotent. If the
//   test process exits without calling it, an 'exit' hook kills the children; a Ctrl-C reaches them through
//   the shared process group.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FaultNetwork } from './fault-proxy.ts';
import { freePorts } from '../../barn/node/test-support.ts';
import { getJson, waitFor } from './node-http.ts';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The `runi` command as users run it (bin/runi: node on bin/runi.mjs with glibc's malloc held to two arenas). */
export const RUNI = join(REPO_ROOT, 'bin', 'runi');
/** bin/runi runs the `node` on PATH: this one, the test's. */
const ENV = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env['PATH'] ?? ''}` };
export const TOKEN = 'barn-cluster-test-token';

export interface ClusterOptions {
  /** Scratch directory holding data dirs, logs and the token file. */
  readonly root: string;
  readonly size: number;
  /** Passed as --cluster-id (needed: every node's --peers differs, so the derived id would too). */
  readonly clusterId?: string;
  readonly startTimeoutMs?: number;
}

interface NodeProc {
  readonly id: string;
  readonly port: number;
  readonly args: string[];
  child: ChildProcess | undefined;
  exited: Promise<number | null> | undefined;
  paused: boolean;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

/** Spawns `runi barn start …` with output appended to `log`; the promise settles with the exit code. */
export function spawnBarn(args: readonly string[], log: string): { child: ChildProcess; exited: Promise<number | null> } {
  const fd = openSync(log, 'a');
  const child = spawn(RUNI, ['barn', 'start', ...args], { cwd: REPO_ROOT, env: ENV, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  live.add(child);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve(code ?? (signal === null ? null : -1));
    });
  });
  return { child, exited };
}

export class BarnCluster {
  readonly ids: string[];
  private closed = false;

  private constructor(
    readonly root: string,
    readonly tokenFile: string,
    private readonly nodes: Map<string, NodeProc>,
    readonly network: FaultNetwork,
    private readonly startTimeoutMs: number,
  ) {
    this.ids = [...nodes.keys()];
  }

  static async start(options: ClusterOptions): Promise<BarnCluster> {
    mkdirSync(options.root, { recursive: true });
    const tokenFile = join(options.root, 'token');
    writeFileSync(tokenFile, `${TOKEN}\n`);
    const ids = Array.from({ length: options.size }, (_, i) => `n${i + 1}`);
    const ports = await freePorts(options.size);
    const portOf = new Map(ids.map((id, i) => [id, ports[i]!]));
    const network = await FaultNetwork.create(ids, (id) => portOf.get(id)!);
    const clusterId = options.clusterId ?? `faults-${process.pid}`;
    const nodes = new Map<string, NodeProc>();
    for (const id of ids) {
      const port = portOf.get(id)!;
      const peers = ids.map((p) => `${p}=http://127.0.0.1:${p === id ? port : network.port(id, p)}`).join(',');
      const dataDir = join(options.root, id);
      const args = ['--id', id, '--listen', `127.0.0.1:${port}`, '--peers', peers, '--data-dir', dataDir, '--token-file', tokenFile, '--cluster-id', clusterId];
      nodes.set(id, { id, port, args, child: undefined, exited: undefined, paused: false });
    }
    const cluster = new BarnCluster(options.root, tokenFile, nodes, network, options.startTimeoutMs ?? 30_000);
    try {
      await Promise.all(ids.map((id) => cluster.launch(id)));
    } catch (e) {
      await cluster.close();
      throw e;
    }
    return cluster;
  }

  url(id: string): string {
    return `http://127.0.0.1:${this.node(id).port}`;
  }

  dataDir(id: string): string {
    return join(this.root, id);
  }

  logFile(id: string): string {
    return join(this.root, `${id}.log`);
  }

  /** The `runi barn start` arguments of node `id` (to start a second process on its data dir, say). */
  args(id: string): readonly string[] {
    return this.node(id).args;
  }

  isUp(id: string): boolean {
    const n = this.node(id);
    return n.child !== undefined && !n.paused;
  }

  async kill(id: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const n = this.node(id);
    if (n.child === undefined) return;
    n.child.kill(signal);
    if (n.paused && signal !== 'SIGKILL') n.child.kill('SIGCONT');
    await n.exited;
    n.child = undefined;
    n.paused = false;
  }

  async restart(id: string): Promise<void> {
    await this.kill(id);
    appendFileSync(this.logFile(id), `--- harness: restarting ${id} ---\n`);
    await this.launch(id);
  }

  pause(id: string): void {
    const n = this.node(id);
    if (n.child === undefined || n.paused) return;
    n.child.kill('SIGSTOP');
    n.paused = true;
  }

  resume(id: string): void {
    const n = this.node(id);
    if (n.child === undefined || !n.paused) return;
    n.child.kill('SIGCONT');
    n.paused = false;
  }

  /** The leader id that a majority of reachable nodes agree on, if any. */
  async leader(): Promise<string | undefined> {
    const seen = await Promise.all(this.ids.filter((id) => this.isUp(id)).map((id) => getJson<{ leader: string; role: string }>(this.url(id), '/v1/status', TOKEN, 1000).catch(() => undefined)));
    const votes = new Map<string, number>();
    for (const s of seen) if (s !== undefined && s.leader !== '') votes.set(s.leader, (votes.get(s.leader) ?? 0) + 1);
    for (const [id, count] of votes) if (count > this.ids.length / 2) return id;
    return undefined;
  }

  async waitForLeader(timeoutMs = 10_000): Promise<string> {
    return waitFor(() => this.leader(), timeoutMs, 'a leader agreed on by a majority');
  }

  /** The last `lines` lines of every node's log, for failure messages. */
  logTails(lines = 25): string {
    return this.ids
      .map((id) => {
        const file = this.logFile(id);
        const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
        return `--- ${id} (${file}) ---\n${text.split('\n').slice(-lines).join('\n')}`;
      })
      .join('\n');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.ids.map((id) => this.kill(id)));
    await this.network.close();
  }

  private async launch(id: string): Promise<void> {
    const n = this.node(id);
    const { child, exited } = spawnBarn(n.args, this.logFile(id));
    n.child = child;
    n.exited = exited;
    n.paused = false;
    const early = exited.then((code) => {
      throw new Error(`barn ${id} exited with ${code} before it was healthy:\n${this.logTails()}`);
    });
    const healthy = waitFor(async () => ((await getJson(this.url(id), '/healthz', TOKEN, 500).catch(() => undefined)) === undefined ? undefined : true), this.startTimeoutMs, `${id} /healthz`);
    await Promise.race([healthy, early]);
    early.catch(() => undefined);
  }

  private node(id: string): NodeProc {
    const n = this.nodes.get(id);
    if (n === undefined) throw new Error(`no node ${id} (have ${this.ids.join(', ')})`);
    return n;
  }
}
