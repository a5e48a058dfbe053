// Pairs the elements of two lists (schema objects or properties): first by key (name, else id), then the
// leftovers whose stable `id` is equal are a rename. Everything else was removed or added.
import type { Element } from './contract-view.ts';

export interface Matched {
  readonly same: ReadonlyArray<readonly [Element, Element]>;
  readonly renamed: ReadonlyArray<readonly [Element, Element]>;
  readonly removed: readonly Element[];
  readonly added: readonly Element[];
}

export function matchElements(before: readonly Element[], after: readonly Element[]): Matched {
  const afterByKey = new Map<string, Element>();
  for (const b of after) if (!afterByKey.has(b.key)) afterByKey.set(b.key, b);
  const same: Array<readonly [Element, Element]> = [];
  const usedAfter = new Set<Element>();
  const leftBefore: Element[] = [];
  for (const a of before) {
    const b = afterByKey.get(a.key);
    if (b !== undefined && !usedAfter.has(b)) {
      same.push([a, b]);
      usedAfter.add(b);
    } else {
      leftBefore.push(a);
    }
  }
  const leftAfter = after.filter((b) => !usedAfter.has(b));
  const renamed: Array<readonly [Element, Element]> = [];
  const removed: Element[] = [];
  for (const a of leftBefore) {
    const b = a.id === undefined ? undefined : leftAfter.find((x) => x.id === a.id && !usedAfter.has(x));
    if (b === undefined) {
      removed.push(a);
    } else {
      renamed.push([a, b]);
      usedAfter.add(b);
    }
  }
  return { same, renamed, removed, added: leftAfter.filter((b) => !usedAfter.has(b)) };
}
