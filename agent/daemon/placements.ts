// The agent's placements as read from its watch of /runink/placements/<node>/, and the desired slices they ask
// for. Pure: records in, data out. A record that is not a placement of this node, or is malformed, is left out
// (and named, so the edge can log it) — a bad record never stops the other slices.
import type { KvRecord } from '../../barn/state/backend.ts';
import { parseDomainKey } from '../../barn/state/domain-keys.ts';
import type { PlacementValue } from '../../contracts/placement.ts';
import type { DesiredSlice } from './converge.ts';

/** A placement as read from Barn: its key, its fencing revision (the key's modRevision) and its value. */
export interface Placed {
  readonly key: string;
  readonly fence: number;
  readonly value: PlacementValue;
}

/** Placements by scenario id, and the keys of malformed records. */
export function parsePlacements(records: Iterable<KvRecord>, node: string): { placed: Map<string, Placed>; malformed: string[] } {
  const placed = new Map<string, Placed>();
  const malformed: string[] = [];
  for (const rec of records) {
    const k = parseDomainKey(rec.key);
    const v = rec.value as Partial<PlacementValue> | null;
    if (k?.kind !== 'placement' || k.agent !== node) continue;
    if (v === null || typeof v !== 'object' || typeof v.specHash !== 'string' || typeof v.pipeline !== 'string' || typeof v.commit !== 'string' || typeof v.herd !== 'string') {
      malformed.push(rec.key);
      continue;
    }
    placed.set(k.scenario, { key: rec.key, fence: rec.modRevision, value: { ...(v as PlacementValue), scenario: k.scenario } });
  }
  return { placed, malformed };
}

/** What converge() should run: one slice per placement; a `stream` trigger runs until removed, any other once. */
export function desiredSlices(placements: ReadonlyMap<string, Placed>): Map<string, DesiredSlice> {
  return new Map([...placements].map(([scenario, p]) => [scenario, { scenario, specHash: p.value.specHash, fence: p.fence, mode: p.value.trigger === 'stream' ? 'stream' : 'once' }]));
}
