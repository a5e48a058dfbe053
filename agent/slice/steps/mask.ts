// mask(contract, strategy): replaces the values of fields the contract classifies as anything but `public` or
// `internal` (restricted, confidential, personal, …; an unknown level is masked — privacy by default).
// Undeclared fields, unclassified fields, and null/absent values are left alone. Top-level properties only.
// Strategies (the value's text is its UTF-8 string, or its JSON text when not a string):
// - hash:     `sha256:` + first 16 lowercase hex digits of SHA-256(text) — stable across runs and machines;
// - tokenize: `tok:` + first 16 hex digits of HMAC-SHA256(key, text); the key is the run context's
//             `tokenKey` (e.g. a herd secret, stable across runs) or else random per run, so tokens join within
//             one run but cannot be reversed by hashing guesses;
// - redact:   the string `[REDACTED]`.
import { createHash, createHmac } from 'node:crypto';
import { asArray, asObject, asText, schemaObjects } from '../../../contracts/diff/contract-view.ts';
import type { Rec } from '../types.ts';
import { perRecord, type StepRuntime } from './step.ts';

export type MaskStrategy = 'redact' | 'hash' | 'tokenize';

const CLEAR = new Set(['public', 'internal']);

/** Names of the top-level fields of the contract's (first or named) schema object that must be masked. */
export function maskedFields(document: Readonly<Record<string, unknown>>, dataset?: string): string[] {
  const objects = schemaObjects(document);
  const obj = dataset === undefined ? objects[0] : objects.find((o) => o.name === dataset || o.id === dataset);
  const fields: string[] = [];
  for (const p of asArray(obj?.node['properties'])) {
    const node = asObject(p);
    const name = asText(node?.['name']);
    const level = asText(node?.['classification'])?.toLowerCase();
    if (name !== undefined && level !== undefined && !CLEAR.has(level)) fields.push(name);
  }
  return fields;
}

export function maskValue(v: unknown, strategy: MaskStrategy, key: string): string {
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  switch (strategy) {
    case 'hash':
      return `sha256:${createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16)}`;
    case 'tokenize':
      return `tok:${createHmac('sha256', key).update(text, 'utf8').digest('hex').slice(0, 16)}`;
    case 'redact':
      return '[REDACTED]';
  }
}

export function maskStep(id: string, fields: readonly string[], strategy: MaskStrategy, key: string): StepRuntime {
  return perRecord(id, (r) => {
    let out: Rec | undefined;
    for (const f of fields) {
      const v = r[f];
      if (v === null || v === undefined) continue;
      out ??= { ...r };
      out[f] = maskValue(v, strategy, key);
    }
    return out ?? r;
  });
}
