// Minimal read-only views over a parsed ODCS document (plain data as YAML parses it). Every accessor is
// defensive: a wrong shape reads as "absent", never as a crash, because the diff and the record validator
// must work on contracts that another module may still be reporting problems about.

export type RawPath = ReadonlyArray<string | number>;
export type Obj = Readonly<Record<string, unknown>>;

export function asObject(v: unknown): Obj | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
}

export function asArray(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : [];
}

export function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Strings and numbers as text (YAML reads `version: 2` as a number). */
export function asText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

export function asNumber(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Booleans default to false, as ODCS defines for required/unique/primaryKey. */
export function isTrue(v: unknown): boolean {
  return v === true;
}

/** One named element (schema object, property, array items or quality rule) with where it sits. */
export interface Element {
  /** Matching key: `name`, else `id`, else `#<index>`. */
  readonly key: string;
  readonly name: string | undefined;
  readonly id: string | undefined;
  readonly node: Obj;
  /** Path into the parsed document, for a locator. */
  readonly raw: RawPath;
}

/** The named elements of a list (`schema`, `properties`), keyed by name, falling back to id. */
export function elements(list: unknown, raw: RawPath): Element[] {
  const out: Element[] = [];
  asArray(list).forEach((item, index) => {
    const node = asObject(item);
    if (node === undefined) return;
    const name = asText(node['name']);
    const id = asText(node['id']);
    out.push({ key: name ?? id ?? `#${index}`, name, id, node, raw: [...raw, index] });
  });
  return out;
}

/** The schema objects of a contract (`schema:` list). */
export function schemaObjects(doc: Obj): Element[] {
  return elements(doc['schema'], ['schema']);
}

/** Stable JSON text for comparing and showing values: object keys sorted. */
export function canonical(v: unknown): string {
  return JSON.stringify(sortKeys(v)) ?? 'null';
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  const o = asObject(v);
  if (o === undefined) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o).sort()) out[k] = sortKeys(o[k]);
  return out;
}

export function sameValue(a: unknown, b: unknown): boolean {
  return a === b || canonical(a) === canonical(b);
}
