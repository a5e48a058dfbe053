// The built-in steps and their parameter rules. Each built-in declares which key=value arguments it takes
// (`id=` and `after=` are common to every step and handled by the caller) and turns the bound arguments into
// the plain `params` the slice runtime reads:
//   validate(contract=?)                    → { contract }             contract defaults to the scenario's
//   mask(contract=?, strategy=?)            → { contract, strategy }   strategy: redact (default) | hash | tokenize
//   filter(expr="CEL")                      → { expr }                 keeps records where expr is true
//   map(<field>="CEL"…)                     → { <field>: expr… }       sets each field to its expression
//   route(expr="CEL", to=<sink id>)         → { expr, to }             matching records go to that sink only
//   dedupe(key=<field> | [<field>…])        → { key: [fields] }        keeps the first record per key
//   rename(<from>=<to>…)                    → { <from>: to… }          renames fields, all at once
//   cast(<field>=<type>…)                   → { <field>: type… }       string | int | double | bool | timestamp
import type { TagValue } from '../../contracts/desired-state.ts';
import { didYouMean } from '../../common/suggest.ts';
import type { Bound, BoundArgs, TagRules } from './args.ts';
import { checkCel } from './expressions.ts';
import type { ProblemSink } from './problem-sink.ts';

export const BUILTIN_STEPS = ['cast', 'dedupe', 'filter', 'map', 'mask', 'rename', 'route', 'validate'] as const;
export type BuiltinStep = (typeof BUILTIN_STEPS)[number];

export const MASK_STRATEGIES = ['hash', 'redact', 'tokenize'] as const;
export const CAST_TYPES = ['bool', 'double', 'int', 'string', 'timestamp'] as const;
/** ODCS logical type names accepted for cast, compiled to the CEL type name (users think in contract types). */
export const CAST_ALIASES: Readonly<Record<string, (typeof CAST_TYPES)[number]>> = { boolean: 'bool', number: 'double', integer: 'int' };

export function isBuiltinStep(name: string): name is BuiltinStep {
  return (BUILTIN_STEPS as readonly string[]).includes(name);
}

/** Parameters of each built-in besides the step name, `id=` and `after=`. */
export function builtinRules(name: BuiltinStep): Pick<TagRules, 'params' | 'rest'> {
  switch (name) {
    case 'validate':
      return { params: { contract: { kind: 'name' } } };
    case 'mask':
      return { params: { contract: { kind: 'name' }, strategy: { kind: 'name' } } };
    case 'filter':
      return { params: { expr: { kind: 'text', required: true } } };
    case 'map':
      return { params: {}, rest: 'text' };
    case 'route':
      return { params: { expr: { kind: 'text', required: true }, to: { kind: 'name', required: true } } };
    case 'dedupe':
      return { params: { key: { kind: 'names', required: true } } };
    case 'rename':
      return { params: {}, rest: 'name' };
    case 'cast':
      return { params: {}, rest: 'name' };
  }
}

export interface BuiltinContext {
  /** The scenario's `@contract`, when it has one. */
  readonly scenarioContract?: string;
  readonly contracts: ReadonlyMap<string, unknown>;
  readonly sink: ProblemSink;
  /** Position of the `@step` tag, for problems about missing arguments. */
  readonly line: number;
  readonly col: number;
}

/** `args` holds only the built-in's own parameters (not name/id/after). */
export function builtinParams(name: BuiltinStep, args: BoundArgs, c: BuiltinContext): Record<string, TagValue> {
  switch (name) {
    case 'validate':
      return { contract: contractParam(name, args, c) ?? '' };
    case 'mask':
      return { contract: contractParam(name, args, c) ?? '', strategy: strategyParam(args.get('strategy'), c.sink) };
    case 'filter':
    case 'route':
      celParams(name, args, c.sink);
      return Object.fromEntries([...args].map(([k, b]) => [k, b.value]));
    case 'map':
      return fieldParams(name, args, c, (field, b) => typeof b.value === 'string' && checkCel(b.value, b, `map of \`${field}\``, c.sink));
    case 'dedupe':
      return { key: args.get('key')?.value ?? [] };
    case 'rename':
      return renameParams(args, c);
    case 'cast':
      return fieldParams(name, args, c, (field, b) => castType(field, b, c.sink));
  }
}

function contractParam(name: BuiltinStep, args: BoundArgs, c: BuiltinContext): string | undefined {
  const given = args.get('contract');
  if (given === undefined) {
    if (c.scenarioContract === undefined) {
      c.sink.add('DSL_MISSING_ARGUMENT', `${name} needs a contract: write contract=<name> or put @contract(<name>) on the scenario`, c.line, c.col, 'contracts are the files contracts/<name>.odcs.yaml');
    }
    return c.scenarioContract;
  }
  const contract = String(given.value);
  if (!c.contracts.has(contract)) {
    const hint = didYouMean(contract, c.contracts.keys()) ?? 'contracts are the files contracts/<name>.odcs.yaml';
    c.sink.add('DSL_UNKNOWN_CONTRACT', `unknown contract \`${contract}\``, given.source.line, given.source.col, hint);
  }
  return contract;
}

function strategyParam(b: Bound | undefined, sink: ProblemSink): string {
  if (b === undefined) return 'redact';
  const value = String(b.value);
  if (!(MASK_STRATEGIES as readonly string[]).includes(value)) {
    sink.add('DSL_BAD_ARGUMENT', `mask strategy \`${value}\` is not one of ${MASK_STRATEGIES.join(', ')}`, b.source.line, b.source.col, didYouMean(value, MASK_STRATEGIES) ?? `use one of ${MASK_STRATEGIES.join(', ')}`);
  }
  return value;
}

function celParams(name: 'filter' | 'route', args: BoundArgs, sink: ProblemSink): void {
  const expr = args.get('expr');
  if (expr && typeof expr.value === 'string') checkCel(expr.value, expr, `${name} expression`, sink);
}

/** map, rename and cast take one `field=value` per field and need at least one. */
function fieldParams(name: BuiltinStep, args: BoundArgs, c: BuiltinContext, check: (field: string, b: Bound) => boolean): Record<string, TagValue> {
  if (args.size === 0) {
    const example = name === 'cast' ? 'amount=double' : name === 'map' ? 'total="record.price * record.qty"' : 'old_name=new_name';
    c.sink.add('DSL_MISSING_ARGUMENT', `${name} needs at least one field: ${example}`, c.line, c.col, 'one key=value per field');
  }
  const out: Record<string, TagValue> = {};
  for (const [field, b] of args) {
    check(field, b);
    out[field] = name === 'cast' ? (CAST_ALIASES[String(b.value)] ?? b.value) : b.value;
  }
  return out;
}

function castType(field: string, b: Bound, sink: ProblemSink): boolean {
  const type = String(b.value);
  if ((CAST_TYPES as readonly string[]).includes(type) || CAST_ALIASES[type] !== undefined) return true;
  const known = [...CAST_TYPES, ...Object.keys(CAST_ALIASES)];
  sink.add('DSL_BAD_ARGUMENT', `cast of \`${field}\` to unknown type \`${type}\``, b.source.line, b.source.col, didYouMean(type, known) ?? `types: ${CAST_TYPES.join(', ')} (or integer, number, boolean)`);
  return false;
}

function renameParams(args: BoundArgs, c: BuiltinContext): Record<string, TagValue> {
  const targets = new Map<string, string>();
  return fieldParams('rename', args, c, (from, b) => {
    const to = String(b.value);
    const earlier = targets.get(to);
    targets.set(to, from);
    if (earlier === undefined) return true;
    c.sink.add('DSL_BAD_ARGUMENT', `rename sends both \`${earlier}\` and \`${from}\` to \`${to}\``, b.source.line, b.source.col, 'each field needs its own new name');
    return false;
  });
}
