// The tags the DSL knows. The parser rejects any other name (with a did-you-mean); the compiler decides what
// each one means. Where a tag may stand is part of the language too, so it is listed here.

export const TAG_NAMES = [
  'affinity',
  'contract',
  'failFast',
  'golden',
  'herd',
  'parallel',
  'requires',
  'schedule',
  'sink',
  'source',
  'step',
  'stream',
] as const;

export type TagName = (typeof TAG_NAMES)[number];

export function isTagName(name: string): name is TagName {
  return (TAG_NAMES as readonly string[]).includes(name);
}

/** Tags that describe one scenario's graph or fixtures: they may not stand above `Feature:` as defaults. */
export const SCENARIO_ONLY_TAGS: ReadonlySet<TagName> = new Set<TagName>(['golden', 'sink', 'source', 'step']);

/** Tags that may appear several times in one block; every other tag at most once per block. */
export const REPEATABLE_TAGS: ReadonlySet<TagName> = new Set<TagName>(['affinity', 'sink', 'source', 'step']);
