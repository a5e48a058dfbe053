// FaultNetwork: one TCP proxy per directed peer link (from → to) on 127.0.0.1, so a test can cut a node off
// from its peers while clients still reach it directly. Each node's `--peers` lists, for every other member,
// the port of the proxy of ITS link to that member; the proxy forwards to the member's real listen port.
//
// Contracts:
// - `partition(id, mode)` cuts every link from or to `id` at once. 'blackhole': open connections stop
//   forwarding (bytes are read and discarded, like dropped packets) and new connections are accepted but never
//   forwarded, so senders see timeouts; 'reset': open connections are reset and new ones are reset on accept,
//   so senders see errors at once.
// - `heal()` reopens every link; connections that were black-holed are destroyed then (their requests are long
//   timed out on the sender's side anyway), so healed traffic always flows on fresh connections.
// - A link whose target is down (killed or restarting) closes the incoming connection: the sender sees a
//   connection error, as it would without the proxy.
// - `close()` destroys every connection and server; the network is unusable afterwards.
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export type PartitionMode = 'blackhole' | 'reset';

interface Pair {
  readonly inbound: Socket;
  outbound: Socket | undefined;
  holed: boolean;
}

class LinkProxy {
  private readonly pairs = new Set<Pair>();
  private cut: PartitionMode | undefined;
  port = 0;

  constructor(
    readonly from: string,
    readonly to: string,
    private readonly targetPort: number,
    private readonly server: Server = createServer(),
  ) {
    this.server.on('connection', (socket) => this.accept(socket));
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.port = (this.server.address() as { port: number }).port;
        resolve();
      });
    });
  }

  partition(mode: PartitionMode): void {
    this.cut = mode;
    for (const pair of [...this.pairs]) {
      if (mode === 'reset') this.destroy(pair, true);
      else pair.holed = true;
    }
  }

  heal(): void {
    this.cut = undefined;
    for (const pair of [...this.pairs]) if (pair.holed) this.destroy(pair, false);
  }

  async close(): Promise<void> {
    for (const pair of [...this.pairs]) this.destroy(pair, false);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(inbound: Socket): void {
    inbound.on('error', () => undefined);
    if (this.cut === 'reset') {
      inbound.resetAndDestroy();
      return;
    }
    const pair: Pair = { inbound, outbound: undefined, holed: this.cut === 'blackhole' };
    this.pairs.add(pair);
    inbound.on('close', () => this.destroy(pair, false));
    if (pair.holed) {
      inbound.on('data', () => undefined); // read and discard: the bytes are "lost on the wire"
      return;
    }
    const outbound = createConnection({ host: '127.0.0.1', port: this.targetPort });
    pair.outbound = outbound;
    outbound.on('error', () => undefined);
    outbound.on('close', () => this.destroy(pair, false));
    inbound.on('data', (chunk: Buffer) => {
      if (!pair.holed) outbound.write(chunk);
    });
    outbound.on('data', (chunk: Buffer) => {
      if (!pair.holed) inbound.write(chunk);
    });
  }

  private destroy(pair: Pair, reset: boolean): void {
    if (!this.pairs.delete(pair)) return;
    if (reset) {
      pair.inbound.resetAndDestroy();
      pair.outbound?.resetAndDestroy();
    } else {
      pair.inbound.destroy();
      pair.outbound?.destroy();
    }
  }
}

export class FaultNetwork {
  private constructor(private readonly links: Map<string, LinkProxy>) {}

  /** Starts a proxy for every ordered pair of distinct ids; `targetPort(id)` is where node `id` listens. */
  static async create(ids: readonly string[], targetPort: (id: string) => number): Promise<FaultNetwork> {
    const links = new Map<string, LinkProxy>();
    for (const from of ids) for (const to of ids) if (from !== to) links.set(linkKey(from, to), new LinkProxy(from, to, targetPort(to)));
    await Promise.all([...links.values()].map((l) => l.listen()));
    return new FaultNetwork(links);
  }

  /** The loopback port `from` uses to reach `to`. */
  port(from: string, to: string): number {
    const link = this.links.get(linkKey(from, to));
    if (link === undefined) throw new Error(`no link ${from} → ${to}`);
    return link.port;
  }

  /** Cuts `id` off from every peer, in both directions. */
  partition(id: string, mode: PartitionMode = 'blackhole'): void {
    for (const link of this.links.values()) if (link.from === id || link.to === id) link.partition(mode);
  }

  heal(): void {
    for (const link of this.links.values()) link.heal();
  }

  async close(): Promise<void> {
    await Promise.all([...this.links.values()].map((l) => l.close()));
  }
}

function linkKey(from: string, to: string): string {
  return `${from}>${to}`;
}
