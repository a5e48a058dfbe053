// The bytes of a normal Raft entry that Barn proposes: [version 1][request id: 16 bytes][command JSON].
// The request id lets the node that proposed a command (possibly a follower, via proposal forwarding) find the
// waiting caller when the entry is applied. An empty entry is the leader's no-op.
//
// Request ids are unique across every node and restart without a random draw per request: 8 random bytes
// drawn once per process (so two nodes, or one node before and after a restart, never share a prefix in
// practice) followed by an 8-byte counter.
import { randomBytes } from 'node:crypto';

const VERSION = 1;
const ID_BYTES = 16;
const PREFIX = randomBytes(8).toString('hex');
let counter = 0;

export function newRequestId(): string {
  counter += 1;
  return PREFIX + counter.toString(16).padStart(16, '0');
}

export function wrap(requestId: string, command: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + ID_BYTES + command.length);
  out[0] = VERSION;
  Buffer.from(out.buffer).write(requestId, 1, ID_BYTES, 'hex');
  out.set(command, 1 + ID_BYTES);
  return out;
}

/** Splits an entry's data; entries that are not envelopes (no-ops, garbage) have no request id and are
 * handed to the state machine as they are (which turns garbage into a data error). */
export function unwrap(data: Uint8Array): { requestId?: string; command: Uint8Array } {
  if (data.length < 1 + ID_BYTES || data[0] !== VERSION) return { command: data };
  return { requestId: Buffer.from(data.buffer, data.byteOffset + 1, ID_BYTES).toString('hex'), command: data.subarray(1 + ID_BYTES) };
}
