// The wire/log form of a ConfChange inside a conf-change Entry (JSON bytes), and how a ConfChange is read:
// simple (one change, auto transition), entering a joint state, or leaving it (no changes). Empty data
// decodes to the "leave joint" change, which is what the leader proposes on its own to auto-leave.
import type { ConfChange, ConfChangeSingle } from './types.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const LEAVE_JOINT: ConfChange = { changes: [], transition: 'auto', context: '' };

export function encodeConfChange(cc: ConfChange): Uint8Array {
  return encoder.encode(JSON.stringify({ changes: cc.changes, transition: cc.transition, context: cc.context }));
}

export function decodeConfChange(data: Uint8Array): ConfChange {
  if (data.byteLength === 0) return LEAVE_JOINT;
  const raw = JSON.parse(decoder.decode(data)) as Partial<ConfChange>;
  return { changes: raw.changes ?? [], transition: raw.transition ?? 'auto', context: raw.context ?? '' };
}

/** A change with no changes leaves the joint state (the context may still be set). */
export function leavesJoint(cc: ConfChange): boolean {
  return cc.changes.length === 0;
}

/** Whether `cc` enters a joint state and, if so, whether the joint state is left automatically. A single
 * change with the `auto` transition is a simple change and does not use joint consensus. */
export function entersJoint(cc: ConfChange): { joint: boolean; autoLeave: boolean } {
  if (cc.transition === 'auto' && cc.changes.length <= 1) return { joint: false, autoLeave: false };
  switch (cc.transition) {
    case 'auto':
    case 'implicit':
      return { joint: true, autoLeave: true };
    case 'explicit':
      return { joint: true, autoLeave: false };
  }
}

/** `v2 l3 r4` (+ ` transition=explicit`): the compact form used by the harness and logs. */
export function describeConfChange(cc: ConfChange): string {
  const parts = cc.changes.map(describeSingle);
  if (cc.transition !== 'auto') parts.push(`transition=${cc.transition}`);
  return parts.join(' ');
}

function describeSingle(c: ConfChangeSingle): string {
  switch (c.type) {
    case 'add-node':
      return `v${c.nodeId}`;
    case 'add-learner':
      return `l${c.nodeId}`;
    case 'remove-node':
      return `r${c.nodeId}`;
  }
}

/** Parses the compact form's tokens (`v2`, `l3`, `r4`); returns undefined for an unknown token. */
export function parseConfChangeSingle(token: string): ConfChangeSingle | undefined {
  const m = /^([vlr])(.+)$/.exec(token);
  if (m === null) return undefined;
  const nodeId = m[2] as string;
  switch (m[1]) {
    case 'v':
      return { type: 'add-node', nodeId };
    case 'l':
      return { type: 'add-learner', nodeId };
    case 'r':
      return { type: 'remove-node', nodeId };
    default:
      return undefined;
  }
}

