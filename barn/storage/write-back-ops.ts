// The writes of one background write-back, packed into one buffer that moves (transferred, not copied) to the
// writer thread (write-back-worker.mjs), which applies them in order in ONE LMDB transaction. Pure: no LMDB.
//
// Format, little-endian, one record per op, back to back:
//   u8 table (TABLES index) · u8 kind (0 put, 1 remove, 2 remove every key below `key`) · u16 zero ·
//   u32 key length · u32 value length · key bytes · value bytes
// `meta`'s keys are strings in the env (lmdb-js string keys); they travel as UTF-8 and the worker decodes them.
// write-back-worker.mjs decodes this format; write-back-ops.test.ts runs both halves together.

export const TABLES = ['log', 'meta', 'records', 'history'] as const;
export type Table = (typeof TABLES)[number];

export const OP_KINDS = { put: 0, remove: 1, removeBelow: 2 } as const;
const HEADER = 12;

interface Op {
  readonly table: number;
  readonly kind: number;
  readonly key: Uint8Array;
  readonly value: Uint8Array | undefined;
}

const EMPTY = new Uint8Array(0);

export class WriteBackOps {
  private readonly ops: Op[] = [];
  private bytes = 0;

  get count(): number {
    return this.ops.length;
  }

  put(table: Table, key: Uint8Array | string, value: Uint8Array): void {
    this.add(table, OP_KINDS.put, key, value);
  }

  remove(table: Table, key: Uint8Array | string): void {
    this.add(table, OP_KINDS.remove, key, undefined);
  }

  /** Removes every key of `table` that sorts below `bound` (history compaction). */
  removeBelow(table: Table, bound: Uint8Array): void {
    this.add(table, OP_KINDS.removeBelow, bound, undefined);
  }

  /** The ops in order, in a buffer of their own (its ArrayBuffer can be transferred). */
  pack(): Uint8Array {
    const out = new Uint8Array(this.bytes);
    const view = new DataView(out.buffer);
    let at = 0;
    for (const op of this.ops) {
      const value = op.value ?? EMPTY;
      view.setUint8(at, op.table);
      view.setUint8(at + 1, op.kind);
      view.setUint16(at + 2, 0, true);
      view.setUint32(at + 4, op.key.byteLength, true);
      view.setUint32(at + 8, value.byteLength, true);
      out.set(op.key, at + HEADER);
      out.set(value, at + HEADER + op.key.byteLength);
      at += HEADER + op.key.byteLength + value.byteLength;
    }
    return out;
  }

  private add(table: Table, kind: number, key: Uint8Array | string, value: Uint8Array | undefined): void {
    const k = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
    this.ops.push({ table: TABLES.indexOf(table), kind, key: k, value });
    this.bytes += HEADER + k.byteLength + (value?.byteLength ?? 0);
  }
}

/** The ops of a packed buffer, in order (tests; the worker has its own decoder). */
export function unpack(buf: Uint8Array): { table: Table; kind: number; key: Uint8Array; value: Uint8Array }[] {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: { table: Table; kind: number; key: Uint8Array; value: Uint8Array }[] = [];
  for (let at = 0; at < buf.byteLength; ) {
    const keyLen = view.getUint32(at + 4, true);
    const valueLen = view.getUint32(at + 8, true);
    const key = buf.subarray(at + HEADER, at + HEADER + keyLen);
    out.push({ table: TABLES[view.getUint8(at)]!, kind: view.getUint8(at + 1), key, value: buf.subarray(at + HEADER + keyLen, at + HEADER + keyLen + valueLen) });
    at += HEADER + keyLen + valueLen;
  }
  return out;
}
