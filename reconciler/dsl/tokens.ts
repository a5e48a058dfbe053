// The lexer's output: line-oriented tokens of a `.dsl` file, each with its 1-based line and column.
// Tag arguments are already split into values here (strings decoded, numbers read, lists nested), because
// where a value starts and ends is a lexical question; what a value means is the compiler's.

/** A value as written. `raw` keeps the source text so the compiler can map offsets back to columns. */
export type ArgValue =
  | { readonly kind: 'string'; readonly value: string; readonly raw: string; readonly line: number; readonly col: number }
  | { readonly kind: 'word'; readonly value: string; readonly line: number; readonly col: number }
  | { readonly kind: 'number'; readonly value: number; readonly text: string; readonly line: number; readonly col: number }
  /** A number with a unit suffix: `500m`, `256Mi`. Interpreted by the compiler (common/quantity.ts). */
  | { readonly kind: 'quantity'; readonly text: string; readonly line: number; readonly col: number }
  | { readonly kind: 'bool'; readonly value: boolean; readonly line: number; readonly col: number }
  | { readonly kind: 'list'; readonly items: readonly ArgValue[]; readonly line: number; readonly col: number };

/** One argument: positional (`key` absent) or `key=value`. line/col point at the key, else the value. */
export interface TagArg {
  readonly key?: string;
  readonly value: ArgValue;
  readonly line: number;
  readonly col: number;
}

export interface Tag {
  readonly name: string;
  /** Empty for `@stream` and for `@stream()`. */
  readonly args: readonly TagArg[];
  /** True when the arguments could not be read (a DSL_SYNTAX problem was reported); args are then partial. */
  readonly broken: boolean;
  /** Position of the `@`. */
  readonly line: number;
  readonly col: number;
}

export type ProseKeyword = 'Given' | 'When' | 'Then' | 'And' | 'But';

export type Token =
  | { readonly kind: 'tag'; readonly tag: Tag; readonly line: number; readonly col: number }
  | { readonly kind: 'feature' | 'scenario'; readonly title: string; readonly line: number; readonly col: number }
  /** A text line. `keyword` is set when the line starts with Given/When/Then/And/But. `text` is trimmed. */
  | { readonly kind: 'prose'; readonly keyword?: ProseKeyword; readonly text: string; readonly line: number; readonly col: number }
  | { readonly kind: 'comment'; readonly text: string; readonly line: number; readonly col: number };

/** Deepest list nesting accepted in tag arguments (`[[a]]` is depth 2). */
export const MAX_LIST_DEPTH = 8;

/** Characters of a bare word after its first: `[A-Za-z0-9_.:/-]`. */
export function isWordChar(c: string): boolean {
  return /[A-Za-z0-9_.:/-]/.test(c);
}

/** Characters a bare value may start with (words, paths such as `./x` or `/x`, numbers, quantities, true/false). */
export function isWordStart(c: string): boolean {
  return /[A-Za-z0-9_./-]/.test(c);
}

export function isIdentStart(c: string): boolean {
  return /[A-Za-z_]/.test(c);
}

export function isIdentChar(c: string): boolean {
  return /[A-Za-z0-9_]/.test(c);
}

/** Plain JSON-ish rendering of a value (used in messages and tests). */
export function showValue(v: ArgValue): string {
  switch (v.kind) {
    case 'string':
      return v.raw;
    case 'word':
      return v.value;
    case 'number':
      return v.text;
    case 'quantity':
      return v.text;
    case 'bool':
      return String(v.value);
    case 'list':
      return `[${v.items.map(showValue).join(', ')}]`;
  }
}
