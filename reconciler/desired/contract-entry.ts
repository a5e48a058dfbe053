// What the desired state keeps of a validated ODCS document (see ContractEntry).
import { posix } from 'node:path';
import { canonicalJson, sha256 } from '../../common/canonical-json.ts';
import type { ContractEntry } from '../../contracts/desired-state.ts';

/** The herd that owns a contract: ODCS `customProperties` entry `runink.herd`, else the project default. */
export function contractHerd(document: Readonly<Record<string, unknown>>, defaultHerd: string): string {
  const custom = document['customProperties'];
  if (Array.isArray(custom)) {
    for (const c of custom) {
      const entry = c as { property?: unknown; value?: unknown };
      if (entry.property === 'runink.herd' && typeof entry.value === 'string') return entry.value;
    }
  }
  return defaultHerd;
}

export function contractEntry(file: string, document: object, defaultHerd: string, text = ''): ContractEntry {
  const doc = document as Record<string, unknown>;
  const schema = Array.isArray(doc['schema']) ? (doc['schema'] as Array<Record<string, unknown>>) : [];
  return {
    name: posix.basename(file).replace(/\.odcs\.ya?ml$/, ''),
    file,
    id: String(doc['id'] ?? ''),
    version: String(doc['version'] ?? ''),
    apiVersion: String(doc['apiVersion'] ?? ''),
    datasets: schema.map((s) => String(s['name'] ?? '')).filter((n) => n !== ''),
    herd: contractHerd(doc, defaultHerd),
    hash: sha256(canonicalJson(doc)),
    document: doc,
    ...versionLine(text),
  };
}

function versionLine(text: string): { versionLine?: number } {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => /^version\s*:/.test(l));
  return i < 0 ? {} : { versionLine: i + 1 };
}
