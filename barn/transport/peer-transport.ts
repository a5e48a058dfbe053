// Sends Raft messages to peers over HTTP with keep-alive (undici). Per peer: one request in flight at a time
// (so messages to a peer arrive in order), and everything queued meanwhile goes out as one batch. A failed
// batch is dropped and the peer reported unreachable: Raft retransmits what matters, so the transport never
// retries or blocks the node loop. A queue that grows past `maxQueued` drops its oldest messages.
import { Agent, request } from 'undici';
import type { Message, NodeId } from '../raft/types.ts';
import { encodeBatch } from './codec.ts';

export interface TransportOptions {
  readonly selfId: NodeId;
  readonly clusterId: string;
  readonly clusterToken: string;
  readonly onUnreachable: (peer: NodeId) => void;
  readonly onSnapshotStatus: (peer: NodeId, ok: boolean) => void;
  readonly maxQueued?: number;
  readonly timeoutMs?: number;
}

interface PeerQueue {
  url: string;
  queue: Message[];
  sending: boolean;
}

export class PeerTransport {
  private readonly peers = new Map<NodeId, PeerQueue>();
  private readonly dispatcher = new Agent({ keepAliveTimeout: 60_000, connections: 4 });
  private closed = false;

  constructor(private readonly options: TransportOptions) {}

  /** Sets the peer URLs (members other than self); queues of removed peers are dropped. */
  setPeers(urls: ReadonlyMap<NodeId, string>): void {
    for (const id of [...this.peers.keys()]) if (!urls.has(id)) this.peers.delete(id);
    for (const [id, url] of urls) {
      if (id === this.options.selfId) continue;
      const existing = this.peers.get(id);
      if (existing) existing.url = url;
      else this.peers.set(id, { url, queue: [], sending: false });
    }
  }

  send(messages: readonly Message[]): void {
    for (const m of messages) {
      const peer = this.peers.get(m.to);
      if (peer === undefined) {
        this.options.onUnreachable(m.to);
        continue;
      }
      peer.queue.push(m);
      const max = this.options.maxQueued ?? 4096;
      if (peer.queue.length > max) peer.queue.splice(0, peer.queue.length - max);
    }
    for (const [id, peer] of this.peers) if (!peer.sending && peer.queue.length > 0) void this.flush(id, peer);
  }

  private async flush(id: NodeId, peer: PeerQueue): Promise<void> {
    peer.sending = true;
    while (peer.queue.length > 0 && !this.closed) {
      const batch = peer.queue.splice(0);
      const snapshots = batch.filter((m) => m.type === 'snap');
      let ok = false;
      try {
        const res = await request(`${peer.url.replace(/\/$/, '')}/raft/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${this.options.clusterToken}`, 'content-type': 'application/json' },
          body: encodeBatch({ clusterId: this.options.clusterId, from: this.options.selfId, messages: batch }),
          dispatcher: this.dispatcher,
          headersTimeout: this.options.timeoutMs ?? 5000,
          bodyTimeout: this.options.timeoutMs ?? 5000,
        });
        await res.body.dump();
        ok = res.statusCode === 204 || res.statusCode === 200;
      } catch {
        ok = false;
      }
      if (!ok) this.options.onUnreachable(id);
      for (const _ of snapshots) this.options.onSnapshotStatus(id, ok);
      if (!ok) break;
    }
    peer.sending = false;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.dispatcher.destroy();
  }
}
