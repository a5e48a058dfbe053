// Readable rejection reasons from Ajv errors (the verbose pass, which keeps the offending value):
// "amount: must be >= 0 (got -5); id: is required but missing". `field` is the first error's dotted path.
import type { ErrorObject } from 'ajv';

const MAX_ERRORS = 3;

export function explain(errors: readonly ErrorObject[] | null | undefined): { reason: string; field?: string } {
  const list = (errors ?? []).filter((e) => e.keyword !== 'if' && e.keyword !== 'allOf');
  if (list.length === 0) return { reason: 'record does not match the contract' };
  const parts = list.slice(0, MAX_ERRORS).map(describe);
  const more = list.length > MAX_ERRORS ? `; and ${list.length - MAX_ERRORS} more` : '';
  const first = parts[0]!;
  const reason = `${parts.map((p) => (p.field === '' ? p.text : `${p.field}: ${p.text}`)).join('; ')}${more}`;
  return first.field === '' ? { reason } : { reason, field: first.field };
}

function describe(e: ErrorObject): { field: string; text: string } {
  const base = fieldPath(e.instancePath);
  switch (e.keyword) {
    case 'required': {
      const missing = String((e.params as { missingProperty?: string }).missingProperty ?? '');
      return { field: join(base, missing), text: 'is required but missing' };
    }
    case 'type': {
      if (e.data === null) return { field: base, text: 'is required but null' };
      const want = String((e.params as { type?: unknown }).type ?? '').split(',').filter((t) => t !== 'null');
      return { field: base, text: `must be ${want.map(article).join(' or ')} (got ${kind(e.data)})` };
    }
    case 'not':
      return { field: base, text: 'is required but null' };
    default:
      return { field: base, text: `${e.message ?? 'is invalid'}${e.data === undefined ? '' : ` (got ${show(e.data)})`}` };
  }
}

/** `/a/b/0/c` → `a.b[0].c` (JSON Pointer escapes undone). */
export function fieldPath(pointer: string): string {
  if (pointer === '') return '';
  let out = '';
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(seg) ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  }
  return out;
}

function join(base: string, name: string): string {
  return base === '' ? name : `${base}.${name}`;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function kind(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${show(v)}`;
}

function show(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
