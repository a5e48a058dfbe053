// The Git object id of content, as `git hash-object` computes it (sha1 over "<type> <size>\0<bytes>").
import { createHash } from 'node:crypto';

export function gitObjectId(type: 'blob' | 'tree', bytes: Uint8Array): string {
  return createHash('sha1').update(`${type} ${bytes.length}\0`).update(bytes).digest('hex');
}
