// rename(from=to…): renames fields all at once (a=b, b=a swaps) and keeps field order. A renamed field
// replaces an existing field of the target name only if that field is itself renamed away; otherwise the
// renamed value wins and the old one is dropped (the DSL refuses two renames to one name).
import type { Rec } from '../types.ts';
import { perRecord, type StepRuntime } from './step.ts';

export function renameStep(id: string, params: Readonly<Record<string, unknown>>): StepRuntime {
  const map = new Map(Object.entries(params).map(([from, to]) => [from, String(to)]));
  const targets = new Set(map.values());
  return perRecord(id, (r) => {
    const out: Rec = {};
    for (const key of Object.keys(r)) {
      const to = map.get(key);
      if (to !== undefined) out[to] = r[key];
      else if (!targets.has(key)) out[key] = r[key];
    }
    return out;
  });
}
