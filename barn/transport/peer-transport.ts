// Sends Raft messages to peers over HTTP with keep-alive (undici). Per peer: one request in flight at a time
// (so messages to a peer arrive in order), and everything queued meanwhile goes out as one batch; a snapshot
// goes alone to /raft/snapshot as a raw binary body (see codec.ts). A failed
// batch is dropped and the peer reported unreachable: Raft retransmits what matters, so the transport never
// retries or blocks the node loop. A queue that grows past `maxQueued` drops its oldest messages.
import { Agent, request } from 'undici';
import type { Message, NodeId } from '../raft/types.ts';
import { encodeBatch, encodeSnapshotHeader } from './codec.ts';

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
      const messages = batch.filter((m) => m.type !== 'snap');
      let ok = messages.length === 0 ? true : await this.post(peer.url, '/raft/messages', 'application/json', encodeBatch({ clusterId: this.options.clusterId, from: this.options.selfId, messages }));
      for (const snap of batch.filter((m) => m.type === 'snap')) {
        const sent = ok && (await this.post(peer.url, '/raft/snapshot', 'application/octet-stream', snap.snapshot!.data, { 'x-raft-snapshot': encodeSnapshotHeader(this.options.clusterId, snap) }, 60_000));
        this.options.onSnapshotStatus(id, sent);
        ok = ok && sent;
      }
      if (!ok) {
        this.options.onUnreachable(id);
        break;
      }
    }
    peer.sending = false;
  }

  private async post(url: string, path: string, contentType: string, body: string | Uint8Array, extra: Record<string, string> = {}, timeoutMs = this.options.timeoutMs ?? 5000): Promise<boolean> {
    try {
      const res = await request(`${url.replace(/\/$/, '')}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.options.clusterToken}`, 'content-type': contentType, ...extra },
        body,
        dispatcher: this.dispatcher,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      await res.body.dump();
      return res.statusCode === 204 || res.statusCode === 200;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.dispatcher.destroy();
  }
}
