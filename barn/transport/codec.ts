// Raft messages on the wire between peers: JSON with bytes (entry data, snapshot data) as base64. Decoding
// validates the shape, so a malformed or hostile batch is rejected as a whole (BARN_BAD_PEER_MESSAGE) before
// anything reaches the Raft core.
import { RuninkError } from '../../common/error.ts';
import type { Entry, Message, Snapshot } from '../raft/types.ts';

export interface PeerBatch {
  readonly clusterId: string;
  readonly from: string;
  readonly messages: readonly Message[];
}

type Wire = Record<string, unknown>;

export function encodeBatch(batch: PeerBatch): string {
  return JSON.stringify({ clusterId: batch.clusterId, from: batch.from, messages: batch.messages.map(encodeMessage) });
}

function encodeMessage(m: Message): Wire {
  return { ...m, entries: m.entries.map(encodeEntry), ...(m.snapshot ? { snapshot: { metadata: m.snapshot.metadata, data: b64(m.snapshot.data) } } : {}) };
}

function encodeEntry(e: Entry): Wire {
  return { term: e.term, index: e.index, type: e.type, data: b64(e.data) };
}

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export function decodeBatch(body: unknown): PeerBatch {
  const b = body as Wire;
  if (b === null || typeof b !== 'object' || typeof b['clusterId'] !== 'string' || typeof b['from'] !== 'string' || !Array.isArray(b['messages'])) {
    throw bad('batch must be {clusterId, from, messages[]}');
  }
  return { clusterId: b['clusterId'], from: b['from'], messages: (b['messages'] as unknown[]).map(decodeMessage) };
}

function decodeMessage(raw: unknown): Message {
  const m = raw as Wire;
  if (m === null || typeof m !== 'object' || typeof m['type'] !== 'string' || typeof m['from'] !== 'string' || typeof m['to'] !== 'string') throw bad('message needs type, from, to');
  for (const k of ['term', 'logTerm', 'index', 'commit', 'rejectHint']) if (!Number.isSafeInteger(m[k])) throw bad(`message.${k} must be an integer`);
  if (!Array.isArray(m['entries'])) throw bad('message.entries must be an array');
  const snapshot = m['snapshot'] === undefined ? undefined : decodeSnapshot(m['snapshot']);
  return {
    type: m['type'] as Message['type'],
    from: m['from'],
    to: m['to'],
    term: m['term'] as number,
    logTerm: m['logTerm'] as number,
    index: m['index'] as number,
    commit: m['commit'] as number,
    reject: m['reject'] === true,
    rejectHint: m['rejectHint'] as number,
    context: typeof m['context'] === 'string' ? m['context'] : '',
    entries: (m['entries'] as unknown[]).map(decodeEntry),
    ...(snapshot ? { snapshot } : {}),
  };
}

function decodeEntry(raw: unknown): Entry {
  const e = raw as Wire;
  if (e === null || typeof e !== 'object' || !Number.isSafeInteger(e['term']) || !Number.isSafeInteger(e['index']) || (e['type'] !== 'normal' && e['type'] !== 'conf-change') || typeof e['data'] !== 'string') {
    throw bad('entry must be {term, index, type, data(base64)}');
  }
  return { term: e['term'] as number, index: e['index'] as number, type: e['type'], data: new Uint8Array(Buffer.from(e['data'], 'base64')) };
}

function decodeSnapshot(raw: unknown): Snapshot {
  const s = raw as Wire;
  if (s === null || typeof s !== 'object' || typeof s['data'] !== 'string' || typeof s['metadata'] !== 'object' || s['metadata'] === null) throw bad('snapshot must be {metadata, data(base64)}');
  return { metadata: s['metadata'] as Snapshot['metadata'], data: new Uint8Array(Buffer.from(s['data'], 'base64')) };
}

function bad(message: string): RuninkError {
  return new RuninkError('BARN_BAD_PEER_MESSAGE', `malformed peer message: ${message}`);
}

/** A snapshot message travels alone: its metadata as a header, its data as the raw binary body (no base64, no
 * JSON of the state machine), so a large snapshot neither bloats nor delays the ordinary message batches. */
export function encodeSnapshotHeader(clusterId: string, m: Message): string {
  const { snapshot, ...rest } = m;
  const meta = { clusterId, message: { ...encodeMessage(rest as Message), snapshot: { metadata: snapshot?.metadata, data: '' } } };
  return Buffer.from(JSON.stringify(meta)).toString('base64');
}

export function decodeSnapshotMessage(header: string | undefined, body: Uint8Array): { clusterId: string; message: Message } {
  if (header === undefined) throw bad('missing x-raft-snapshot header');
  let meta: { clusterId?: unknown; message?: unknown };
  try {
    meta = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as typeof meta;
  } catch {
    throw bad('x-raft-snapshot header is not base64 JSON');
  }
  if (typeof meta.clusterId !== 'string') throw bad('snapshot header needs clusterId');
  const message = decodeMessage(meta.message);
  if (message.type !== 'snap' || message.snapshot === undefined) throw bad('snapshot header must carry a snap message');
  return { clusterId: meta.clusterId, message: { ...message, snapshot: { metadata: message.snapshot.metadata, data: body } } };
}
