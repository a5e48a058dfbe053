// Binding a tag's arguments to named parameters: positional arguments first (named by the tag's rules), then
// key=value. Each parameter has a kind that says which written values it accepts and what it becomes.
// Problems: DSL_MISSING_ARGUMENT, DSL_UNKNOWN_ARGUMENT (with did-you-mean), DSL_BAD_ARGUMENT.
import type { TagValue } from '../../contracts/desired-state.ts';
import { didYouMean } from '../../common/suggest.ts';
import type { ProblemSink } from './problem-sink.ts';
import { showValue, type ArgValue, type Tag } from './tokens.ts';

/**
 * - `name`: a word or string (contract, herd, field, sink id)
 * - `text`: a string, word, number or boolean, as text (URIs, CEL, cron, paths)
 * - `bool`: true/false
 * - `int`: a whole number
 * - `quantity`: a number or quantity (`500m`, `256Mi`), as text
 * - `names`: a name or a list of names
 * - `value`: any value (user step parameters)
 */
export type ParamKind = 'name' | 'text' | 'bool' | 'int' | 'quantity' | 'names' | 'value';

export interface ParamRule {
  readonly kind: ParamKind;
  readonly required?: boolean;
}

export interface TagRules {
  /** Names given to positional arguments, in order; they may also be written as key=value. */
  readonly positional: readonly string[];
  readonly params: Readonly<Record<string, ParamRule>>;
  /** When set, keys not in `params` are accepted with this kind (map, rename, cast, affinity, user steps). */
  readonly rest?: ParamKind;
}

export interface Bound {
  readonly value: TagValue;
  readonly source: ArgValue;
  /** Position of the argument (its key when it has one). */
  readonly line: number;
  readonly col: number;
}

/** Parameters in the order written. Invalid arguments are reported and left out. */
export type BoundArgs = Map<string, Bound>;

export function bindArgs(tag: Tag, rules: TagRules, sink: ProblemSink, what = `@${tag.name}`): BoundArgs {
  const out: BoundArgs = new Map();
  const seen = new Set<string>();
  let positional = 0;
  let sawKey = false;
  for (const arg of tag.args) {
    let name = arg.key;
    if (name === undefined) {
      if (sawKey) {
        sink.add('DSL_BAD_ARGUMENT', `positional argument \`${showValue(arg.value)}\` of ${what} comes after key=value arguments`, arg.line, arg.col, 'write positional arguments first');
        continue;
      }
      name = rules.positional[positional++];
      if (name === undefined) {
        sink.add('DSL_BAD_ARGUMENT', `${what} takes ${rules.positional.length === 0 ? 'no' : `${rules.positional.length}`} positional argument${rules.positional.length === 1 ? '' : 's'}; \`${showValue(arg.value)}\` is one too many`, arg.line, arg.col, keysHint(rules));
        continue;
      }
    } else {
      sawKey = true;
    }
    if (seen.has(name)) {
      sink.add('DSL_BAD_ARGUMENT', `\`${name}\` of ${what} is given twice`, arg.line, arg.col, 'keep one of them');
      continue;
    }
    seen.add(name);
    const kind = rules.params[name]?.kind ?? rules.rest;
    if (kind === undefined) {
      const hint = didYouMean(name, [...rules.positional, ...Object.keys(rules.params)]) ?? keysHint(rules);
      sink.add('DSL_UNKNOWN_ARGUMENT', `${what} has no argument \`${name}\``, arg.line, arg.col, hint);
      continue;
    }
    const value = convert(arg.value, kind);
    if (value === undefined) {
      sink.add('DSL_BAD_ARGUMENT', `\`${name}\` of ${what} must be ${describe(kind)}, got \`${clip(showValue(arg.value))}\``, arg.value.line, arg.value.col, kind === 'text' ? 'quote it: "..."' : undefined);
      continue;
    }
    out.set(name, { value, source: arg.value, line: arg.line, col: arg.col });
  }
  for (const [name, rule] of Object.entries(rules.params)) {
    if (rule.required && !seen.has(name)) {
      const hint = rules.positional.includes(name) ? `write @${tag.name}(<${name}>)` : `write ${name}=${example(rule.kind)}`;
      sink.add('DSL_MISSING_ARGUMENT', `${what} needs \`${name}\``, tag.line, tag.col, hint);
    }
  }
  return out;
}

export function convert(v: ArgValue, kind: ParamKind): TagValue | undefined {
  switch (kind) {
    case 'name':
      return (v.kind === 'word' || v.kind === 'string') && v.value.trim() !== '' ? v.value : undefined;
    case 'text':
      return v.kind === 'list' ? undefined : scalarText(v);
    case 'bool':
      return v.kind === 'bool' ? v.value : undefined;
    case 'int':
      return v.kind === 'number' && Number.isSafeInteger(v.value) ? v.value : undefined;
    case 'quantity':
      return v.kind === 'number' || v.kind === 'quantity' || v.kind === 'string' || v.kind === 'word' ? scalarText(v) : undefined;
    case 'names':
      return names(v);
    case 'value':
      return anyValue(v);
  }
}

function scalarText(v: Exclude<ArgValue, { kind: 'list' }>): string {
  switch (v.kind) {
    case 'string':
    case 'word':
      return v.value;
    case 'number':
    case 'quantity':
      return v.text;
    case 'bool':
      return String(v.value);
  }
}

function names(v: ArgValue): string[] | undefined {
  const items = v.kind === 'list' ? v.items : [v];
  const out: string[] = [];
  for (const item of items) {
    const name = convert(item, 'name');
    if (typeof name !== 'string') return undefined;
    out.push(name);
  }
  return out;
}

/** Lists are at most MAX_LIST_DEPTH deep (the lexer guarantees it), so this recursion is bounded. */
function anyValue(v: ArgValue): TagValue {
  switch (v.kind) {
    case 'list':
      return v.items.map(anyValue);
    case 'number':
    case 'bool':
    case 'string':
    case 'word':
      return v.value;
    case 'quantity':
      return v.text;
  }
}

function describe(kind: ParamKind): string {
  switch (kind) {
    case 'name':
      return 'a name (a word or a "string")';
    case 'text':
      return 'a "string"';
    case 'bool':
      return 'true or false';
    case 'int':
      return 'a whole number';
    case 'quantity':
      return 'a quantity such as 500m or 256Mi';
    case 'names':
      return 'a name or a list of names [a, b]';
    case 'value':
      return 'a value';
  }
}

function example(kind: ParamKind): string {
  return kind === 'bool' ? 'true' : kind === 'int' ? '2' : kind === 'names' ? '[a, b]' : '...';
}

function keysHint(rules: TagRules): string {
  const keys = Object.keys(rules.params);
  return keys.length === 0 ? 'it takes no key=value arguments' : `it takes ${keys.map((k) => `${k}=`).join(', ')}`;
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
