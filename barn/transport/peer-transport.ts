// Sends Raft messages to peers. Ordinary messages go over one long-lived stream per peer (peer-stream.ts):
// everything one Ready sends to a peer is one frame, a binary batch (binary-codec.ts). Snapshots go alone as `POST /raft/snapshot`
// with a raw binary body (codec.ts), over undici keep-alive, one at a time per peer. A failed send is dropped
// and the peer reported unreachable: Raft retransmits what matters, so the transport never retries or blocks
// the node loop.
import { Agent, request } from 'undici';
import type { Message, NodeId } from '../raft/types.ts';
import { encodeBinaryBatch } from './binary-codec.ts';
import { encodeSnapshotHeader } from './codec.ts';
import { encodeFrame } from './frames.ts';
import { PeerStream } from './peer-stream.ts';

export interface TransportOptions {
  readonly selfId: NodeId;
  readonly clusterId: string;
  readonly clusterToken: string;
  readonly onUnreachable: (peer: NodeId) => void;
  readonly onSnapshotStatus: (peer: NodeId, ok: boolean) => void;
  /** Unsent bytes a peer's stream may hold before it is reset (a stopped peer). */
  readonly maxBufferedBytes?: number;
  readonly timeoutMs?: number;
}

interface Peer {
  url: string;
  readonly stream: PeerStream;
  readonly snapshots: Message[];
  sendingSnapshot: boolean;
  /** The messages of the send() being grouped (empty between sends). */
  readonly batch: Message[];
}

export class PeerTransport {
  private readonly peers = new Map<NodeId, Peer>();
  private readonly dispatcher = new Agent({ keepAliveTimeout: 60_000, connections: 2 });
  private closed = false;

  constructor(private readonly options: TransportOptions) {}

  /** Sets the peer URLs (members other than self); streams of removed peers are closed. */
  setPeers(urls: ReadonlyMap<NodeId, string>): void {
    for (const [id, peer] of [...this.peers]) {
      if (urls.has(id)) continue;
      peer.stream.close();
      this.peers.delete(id);
    }
    for (const [id, url] of urls) {
      if (id === this.options.selfId) continue;
      const existing = this.peers.get(id);
      if (existing) {
        existing.url = url;
        existing.stream.setUrl(url);
        continue;
      }
      const stream = new PeerStream(url, {
        clusterToken: this.options.clusterToken,
        timeoutMs: this.options.timeoutMs ?? 5000,
        maxBufferedBytes: this.options.maxBufferedBytes ?? 64 * 1024 * 1024,
        onDown: () => this.options.onUnreachable(id),
      });
      this.peers.set(id, { url, stream, snapshots: [], sendingSnapshot: false, batch: [] });
    }
  }

  send(messages: readonly Message[]): void {
    if (this.closed || messages.length === 0) return;
    // Grouped on the peers themselves, in the order their first message came (no map per send: a leader
    // sends several times per write).
    const touched: Peer[] = [];
    for (const m of messages) {
      const peer = this.peers.get(m.to);
      if (peer === undefined) {
        this.options.onUnreachable(m.to);
        continue;
      }
      if (m.type === 'snap') {
        peer.snapshots.push(m);
        if (!peer.sendingSnapshot) void this.sendSnapshots(m.to, peer);
        continue;
      }
      if (peer.batch.length === 0) touched.push(peer);
      peer.batch.push(m);
    }
    try {
      for (const peer of touched) {
        const body = encodeBinaryBatch({ clusterId: this.options.clusterId, from: this.options.selfId, messages: peer.batch });
        peer.stream.write(encodeFrame(body));
      }
    } finally {
      for (const peer of touched) peer.batch.length = 0;
    }
  }

  private async sendSnapshots(id: NodeId, peer: Peer): Promise<void> {
    peer.sendingSnapshot = true;
    while (peer.snapshots.length > 0 && !this.closed) {
      const snap = peer.snapshots.shift()!;
      const sent = await this.post(peer.url, '/raft/snapshot', snap.snapshot!.data, { 'x-raft-snapshot': encodeSnapshotHeader(this.options.clusterId, snap) });
      this.options.onSnapshotStatus(id, sent);
      if (!sent) this.options.onUnreachable(id);
    }
    peer.sendingSnapshot = false;
  }

  private async post(url: string, path: string, body: Uint8Array, extra: Record<string, string>): Promise<boolean> {
    try {
      const res = await request(`${url.replace(/\/$/, '')}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.options.clusterToken}`, 'content-type': 'application/octet-stream', ...extra },
        body,
        dispatcher: this.dispatcher,
        headersTimeout: 60_000,
        bodyTimeout: 60_000,
      });
      await res.body.dump();
      return res.statusCode === 204 || res.statusCode === 200;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const peer of this.peers.values()) peer.stream.close();
    await this.dispatcher.destroy();
  }
}
