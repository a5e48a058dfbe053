// The simulated state machine: the ordered list of applied entries (index, term, kind, payload text). It
// is durable together with its applied index (as the design's apply transaction stores the applied index
// with the effects), so it survives crashes. Snapshots carry it as JSON.
import type { Entry } from '../raft/types.ts';
import type { AppliedEntry } from './check-committed.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function toApplied(e: Entry): AppliedEntry {
  return { index: e.index, term: e.term, kind: e.type, value: decoder.decode(e.data) };
}

export function encodeStateMachine(entries: readonly AppliedEntry[]): Uint8Array {
  return encoder.encode(JSON.stringify(entries));
}

export function decodeStateMachine(data: Uint8Array): AppliedEntry[] {
  if (data.byteLength === 0) return [];
  return JSON.parse(decoder.decode(data)) as AppliedEntry[];
}

export function sameApplied(a: AppliedEntry, b: AppliedEntry): boolean {
  return a.index === b.index && a.term === b.term && a.kind === b.kind && a.value === b.value;
}
