// dedupe(key=[fields]): keeps the first record of each key and drops later ones silently (copies, not errors).
// Memory grows with the number of distinct keys (one string per key); that is inherent to exact dedupe.
// Keys compare as JSON text of the key values (absent = null), so 1 and "1" are different keys.
import type { Rec } from '../types.ts';
import { perRecord, type StepRuntime } from './step.ts';

export function dedupeStep(id: string, fields: readonly string[]): StepRuntime {
  const seen = new Set<string>();
  const keyOf =
    fields.length === 1
      ? (r: Rec): string => JSON.stringify(r[fields[0]!] ?? null)
      : (r: Rec): string => JSON.stringify(fields.map((f) => r[f] ?? null));
  return perRecord(id, (r) => {
    const k = keyOf(r);
    if (seen.has(k)) return null;
    seen.add(k);
    return r;
  });
}
