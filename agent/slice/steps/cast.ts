// cast(field=type…): converts values; null and absent fields stay as they are. A value that cannot be
// converted rejects the record with `<field>: cannot cast <value> to <type>`.
// - string: strings as-is, numbers/booleans as text, objects/arrays as JSON text;
// - int: integral numbers, or text of an integer (`"420"` → 420, `" 7 "` → 7); `4.5` and `"4.5"` fail;
// - double: finite numbers, or numeric text;
// - bool: booleans, `"true"`/`"false"` (any case, trimmed), 1/0;
// - timestamp: ISO-8601 text, or a number of epoch milliseconds → ISO-8601 UTC text (`…Z`).
import type { Rec } from '../types.ts';
import { perRecord, type StepRuntime } from './step.ts';

export type CastType = 'string' | 'int' | 'double' | 'bool' | 'timestamp';

const ALIASES: Readonly<Record<string, CastType>> = { integer: 'int', number: 'double', boolean: 'bool' };

export function castType(name: string): CastType | undefined {
  const t = ALIASES[name] ?? name;
  return t === 'string' || t === 'int' || t === 'double' || t === 'bool' || t === 'timestamp' ? t : undefined;
}

export function castValue(v: unknown, type: CastType): unknown {
  if (v === null || v === undefined) return v;
  switch (type) {
    case 'string':
      return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
    case 'int': {
      const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*[-+]?\d+\s*$/.test(v) ? Number(v) : Number.NaN;
      return Number.isSafeInteger(n) ? n : undefined;
    }
    case 'double': {
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
      return Number.isFinite(n) ? n : undefined;
    }
    case 'bool': {
      if (typeof v === 'boolean') return v;
      if (v === 1 || v === 0) return v === 1;
      const t = typeof v === 'string' ? v.trim().toLowerCase() : '';
      return t === 'true' ? true : t === 'false' ? false : undefined;
    }
    case 'timestamp': {
      const ms = typeof v === 'number' ? v : typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v.trim()) ? Date.parse(v.trim()) : Number.NaN;
      return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
    }
  }
}

export function castStep(id: string, params: Readonly<Record<string, unknown>>): StepRuntime {
  const casts: Array<[string, CastType]> = [];
  for (const [field, name] of Object.entries(params)) {
    const t = castType(String(name));
    if (t === undefined) throw new Error(`cast ${field}: unknown type ${String(name)}`);
    casts.push([field, t]);
  }
  return perRecord(id, (r) => {
    let out: Rec | undefined;
    for (const [field, type] of casts) {
      const v = r[field];
      if (v === null || v === undefined) continue;
      const c = castValue(v, type);
      if (c === undefined) throw new Error(`${field}: cannot cast ${JSON.stringify(v)} to ${type}`);
      out ??= { ...r };
      out[field] = c;
    }
    return out ?? r;
  });
}
