// One long-lived, one-way stream per ordered pair of peers, for Raft messages (not snapshots): the sender
// opens `GET /raft/stream` with `Connection: Upgrade` and the cluster token; the receiver answers 101 and from
// then on reads length-prefixed frames (frames.ts), each one encoded batch (codec.ts). No per-batch HTTP
// request, response or routing (etcd's rafthttp streams work the same way).
//
// Contracts:
// - Order: frames on one stream arrive in the order written; a new stream starts only after the old one is
//   gone, so messages from one node to another are never reordered by this layer (they may be lost).
// - Failure: a stream that cannot be opened (no answer within `timeoutMs`, refused, not 101), errors, closes or
//   has more than `maxBufferedBytes` unsent (a stopped or black-holed peer) is destroyed, its unsent frames are
//   dropped and `onDown` runs; the next write opens a new one. Raft retransmits what matters.
// - Receiving: a frame that fails to decode, or a batch the node refuses, destroys that stream only.
import { request, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { bearer, tokenMatches } from '../http/auth.ts';
import { FrameReader } from './frames.ts';

export const STREAM_PATH = '/raft/stream';
const UPGRADE = 'barn-raft/1';

export interface StreamOptions {
  readonly clusterToken: string;
  readonly timeoutMs: number;
  readonly maxBufferedBytes: number;
  readonly onDown: () => void;
}

/** The sending end of the stream to one peer. */
export class PeerStream {
  private socket: Socket | undefined;
  private opening = false;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private closed = false;

  constructor(
    private url: string,
    private readonly options: StreamOptions,
  ) {}

  /** A new URL applies to the next stream opened. */
  setUrl(url: string): void {
    this.url = url;
  }

  write(frame: Buffer): void {
    if (this.closed) return;
    if (this.socket !== undefined) {
      if (this.socket.writableLength > this.options.maxBufferedBytes) return this.fail();
      this.socket.write(frame);
      return;
    }
    if (this.pendingBytes + frame.length > this.options.maxBufferedBytes) return this.fail();
    this.pending.push(frame);
    this.pendingBytes += frame.length;
    if (!this.opening) this.open();
  }

  close(): void {
    this.closed = true;
    this.socket?.destroy();
    this.socket = undefined;
    this.pending = [];
    this.pendingBytes = 0;
  }

  private open(): void {
    this.opening = true;
    const target = new URL(STREAM_PATH, this.url);
    const req = request(target, {
      method: 'GET',
      agent: false,
      headers: { connection: 'Upgrade', upgrade: UPGRADE, authorization: `Bearer ${this.options.clusterToken}` },
      timeout: this.options.timeoutMs,
    });
    let settled = false;
    const giveUp = (): void => {
      if (settled) return;
      settled = true;
      this.opening = false;
      req.destroy();
      this.fail();
    };
    req.on('upgrade', (res: IncomingMessage, socket: Socket) => {
      if (settled || this.closed) {
        socket.destroy();
        return;
      }
      settled = true;
      this.opening = false;
      if (res.headers.upgrade !== UPGRADE) {
        socket.destroy();
        this.fail();
        return;
      }
      socket.setNoDelay(true);
      socket.setTimeout(0);
      socket.setKeepAlive(true, KEEPALIVE_MS); // a peer that lost power is noticed in seconds, not at TCP's ~15 min
      socket.resume(); // the receiver sends nothing; never let a read buffer fill
      socket.on('error', () => undefined);
      socket.on('close', () => {
        if (this.socket === socket) {
          this.socket = undefined;
          this.options.onDown();
        }
      });
      this.socket = socket;
      const frames = this.pending;
      this.pending = [];
      this.pendingBytes = 0;
      if (frames.length > 0) socket.write(frames.length === 1 ? frames[0]! : Buffer.concat(frames));
    });
    req.on('response', (res) => {
      res.resume();
      giveUp();
    });
    req.on('timeout', giveUp);
    req.on('error', giveUp);
    req.end();
  }

  private fail(): void {
    this.socket?.destroy();
    this.socket = undefined;
    this.pending = [];
    this.pendingBytes = 0;
    this.options.onDown();
  }
}

/** TCP keepalive idle time on both ends of a peer stream. */
const KEEPALIVE_MS = 5_000;

export interface AcceptOptions {
  readonly clusterToken: string;
  /** One decoded frame; throwing closes the stream. */
  readonly onFrame: (frame: Buffer) => void;
}

/** Serves the receiving ends on `server` (the node's HTTP server). Returns a function that destroys every
 * open stream (the HTTP server's close does not track upgraded sockets). */
export function acceptPeerStreams(server: Server, options: AcceptOptions): () => void {
  const open = new Set<Socket>();
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const refuse = (status: string): void => {
      socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    };
    if (req.url !== STREAM_PATH || req.headers.upgrade !== UPGRADE) return refuse('404 Not Found');
    if (!tokenMatches(bearer(req.headers.authorization), options.clusterToken)) return refuse('401 Unauthorized');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nconnection: Upgrade\r\nupgrade: ${UPGRADE}\r\n\r\n`);
    socket.setNoDelay(true);
    socket.setTimeout(0);
    socket.setKeepAlive(true, KEEPALIVE_MS); // a half-open stream from a dead peer is closed, with its partial frame
    open.add(socket);
    const reader = new FrameReader();
    const onData = (chunk: Buffer): void => {
      try {
        for (const frame of reader.push(chunk)) options.onFrame(frame);
      } catch {
        socket.destroy();
      }
    };
    socket.on('data', onData);
    socket.on('error', () => undefined);
    socket.on('close', () => open.delete(socket));
    if (head.length > 0) onData(head);
  });
  return () => {
    for (const s of open) s.destroy();
    open.clear();
  };
}
