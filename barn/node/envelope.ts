// The bytes of a normal Raft entry that Barn proposes: [version 1][request id: 16 bytes][command JSON].
// The request id lets the node that proposed a command (possibly a follower, via proposal forwarding) find the
// waiting caller when the entry is applied. An empty entry is the leader's no-op.
import { randomBytes } from 'node:crypto';

const VERSION = 1;
const ID_BYTES = 16;

export function newRequestId(): string {
  return randomBytes(ID_BYTES).toString('hex');
}

export function wrap(requestId: string, command: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + ID_BYTES + command.length);
  out[0] = VERSION;
  out.set(Buffer.from(requestId, 'hex'), 1);
  out.set(command, 1 + ID_BYTES);
  return out;
}

/** Splits an entry's data; entries that are not envelopes (no-ops, garbage) have no request id and are
 * handed to the state machine as they are (which turns garbage into a data error). */
export function unwrap(data: Uint8Array): { requestId?: string; command: Uint8Array } {
  if (data.length < 1 + ID_BYTES || data[0] !== VERSION) return { command: data };
  return { requestId: Buffer.from(data.subarray(1, 1 + ID_BYTES)).toString('hex'), command: data.subarray(1 + ID_BYTES) };
}
