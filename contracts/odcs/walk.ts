// Defensive readers for the raw parsed YAML value, used by checks that run even when the schema failed.
import type { JsonPath } from '../yaml-source.ts';

export type Rec = Readonly<Record<string, unknown>>;

export function asRecord(value: unknown): Rec | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Rec) : undefined;
}

export function asList(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Calls `visit` on every list of properties: the object's own, nested `properties` and `items.properties`. */
export function walkPropertyLists(list: readonly unknown[], path: JsonPath, visit: (list: readonly unknown[], path: JsonPath) => void): void {
  visit(list, path);
  list.forEach((p, j) => {
    const prop = asRecord(p);
    if (prop === undefined) return;
    if (Array.isArray(prop['properties'])) walkPropertyLists(prop['properties'], [...path, j, 'properties'], visit);
    const items = asRecord(prop['items']);
    if (items !== undefined && Array.isArray(items['properties'])) walkPropertyLists(items['properties'], [...path, j, 'items', 'properties'], visit);
  });
}
