// Length-prefixed frames on a byte stream: [u32 big-endian payload length][payload]. Pure. The peer stream
// (peer-stream.ts) carries one encoded message batch per frame; TCP keeps frames in order.
import { RuninkError } from '../../common/error.ts';

/** Largest frame a reader accepts (a batch is bounded by Raft's maxSizePerMsg × messages in it). */
export const MAX_FRAME_BYTES = 256 * 1024 * 1024;

export function encodeFrame(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(4 + payload.byteLength);
  out.writeUInt32BE(payload.byteLength, 0);
  out.set(payload, 4);
  return out;
}

/** Reassembles frames from arbitrary chunks. `push` returns the frames completed by a chunk, in order; a frame
 * announcing more than `maxBytes` throws BARN_BAD_PEER_MESSAGE (the stream is unusable after that). */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly maxBytes = MAX_FRAME_BYTES) {}

  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Buffer[] = [];
    for (;;) {
      if (this.buffered < 4) break;
      const head = this.peek(4);
      const length = head.readUInt32BE(0);
      if (length > this.maxBytes) throw new RuninkError('BARN_BAD_PEER_MESSAGE', `peer frame of ${length} bytes is over the limit of ${this.maxBytes}`);
      if (this.buffered < 4 + length) break;
      const all = this.take(4 + length);
      frames.push(all.subarray(4));
    }
    return frames;
  }

  private peek(n: number): Buffer {
    if (this.chunks[0]!.length >= n) return this.chunks[0]!;
    this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!;
  }

  private take(n: number): Buffer {
    const first = this.peek(n);
    const out = first.subarray(0, n);
    if (first.length === n) this.chunks.shift();
    else this.chunks[0] = first.subarray(n);
    this.buffered -= n;
    return out;
  }
}
