// @source, @step and @sink tags → node drafts: everything about a node except its final id and `after`,
// which compile-dag.ts settles once all nodes of the scenario are known.
import type { DataFormat, TagValue } from '../../contracts/desired-state.ts';
import { didYouMean } from '../../common/suggest.ts';
import { bindArgs, type Bound, type BoundArgs, type TagRules } from './args.ts';
import { BUILTIN_STEPS, builtinParams, builtinRules, isBuiltinStep } from './builtin-steps.ts';
import type { CompileContext } from './compile-context.ts';
import { checkCel } from './expressions.ts';
import { checkDataUri, formatFromPath, sanitizeId, uriStem } from './paths.ts';
import type { ProblemSink } from './problem-sink.ts';
import { kebabCase } from './slug.ts';
import type { Tag } from './tokens.ts';

/** `after=` as written: each name with its position, for DSL_DANGLING_AFTER. */
export type AfterRef = readonly { readonly name: string; readonly line: number; readonly col: number }[];

interface DraftBase {
  /** Explicit `id=`. */
  readonly id?: string;
  /** Id derived from the URI or step name when `id=` is absent. */
  readonly base: string;
  readonly line: number;
  readonly col: number;
}

export type Draft =
  | (DraftBase & { readonly role: 'source'; readonly uri: string; readonly format: DataFormat; readonly contract?: string })
  | (DraftBase & { readonly role: 'step'; readonly name: string; readonly kind: 'builtin' | 'user'; readonly module?: string; readonly params: Record<string, TagValue>; readonly after?: AfterRef })
  | (DraftBase & { readonly role: 'sink'; readonly uri: string; readonly format: DataFormat; readonly when?: string; readonly deadLetter: boolean; readonly contract?: string; readonly after?: AfterRef });

const FORMATS: readonly DataFormat[] = ['csv', 'json', 'ndjson'];
const ID = /^[A-Za-z_][A-Za-z0-9_-]*$/;

const SOURCE_RULES: TagRules = {
  positional: ['uri'],
  params: { uri: { kind: 'text', required: true }, format: { kind: 'name' }, contract: { kind: 'name' }, id: { kind: 'name' } },
};
const SINK_RULES: TagRules = {
  positional: ['uri'],
  params: { ...SOURCE_RULES.params, when: { kind: 'text' }, deadLetter: { kind: 'bool' }, after: { kind: 'names' } },
};

export interface NodeContext {
  readonly ctx: CompileContext;
  readonly scenarioContract?: string;
  readonly sink: ProblemSink;
}

/** Undefined when the tag is too broken to make a node (the reason was reported). */
export function compileNode(tag: Tag, n: NodeContext): Draft | undefined {
  switch (tag.name) {
    case 'source':
    case 'sink':
      return compileEndpoint(tag, tag.name, n);
    case 'step':
      return compileStep(tag, n);
    default:
      return undefined;
  }
}

function compileEndpoint(tag: Tag, role: 'source' | 'sink', n: NodeContext): Draft | undefined {
  const args = bindArgs(tag, role === 'source' ? SOURCE_RULES : SINK_RULES, n.sink);
  const uriArg = args.get('uri');
  const uri = uriArg && checkDataUri(String(uriArg.value), role, uriArg, n.sink);
  if (!uri) return undefined;
  const base = { id: explicitId(args, n.sink), base: uriStem(uri) || role, line: tag.line, col: tag.col };
  const format = formatArg(args.get('format'), n.sink) ?? formatFromPath(uri);
  const contractArg = args.get('contract');
  const contract = contractArg === undefined ? (role === 'source' ? n.scenarioContract : undefined) : knownContract(contractArg, n);
  const withContract = contract === undefined ? {} : { contract };
  if (role === 'source') return { role, ...base, uri: uri.uri, format, ...withContract };
  const when = args.get('when');
  if (when) checkCel(String(when.value), when, 'sink condition `when`', n.sink);
  const after = afterArg(args);
  return {
    role,
    ...base,
    uri: uri.uri,
    format,
    deadLetter: args.get('deadLetter')?.value === true,
    ...withContract,
    ...(when === undefined ? {} : { when: String(when.value) }),
    ...(after === undefined ? {} : { after }),
  };
}

function compileStep(tag: Tag, n: NodeContext): Draft | undefined {
  const first = tag.args[0];
  if (first === undefined || first.key !== undefined || (first.value.kind !== 'word' && first.value.kind !== 'string')) {
    n.sink.add('DSL_MISSING_ARGUMENT', '@step needs the step name as its first argument', tag.line, tag.col, `e.g. @step(validate) or @step(NormalizeCurrency, target="EUR"); built-ins: ${BUILTIN_STEPS.join(', ')}`);
    return undefined;
  }
  const name = first.value.value;
  const builtin = isBuiltinStep(name);
  const user = n.ctx.userSteps.get(name);
  if (!builtin && !user) {
    const hint = didYouMean(name, [...BUILTIN_STEPS, ...n.ctx.userSteps.keys()]) ?? `built-ins: ${BUILTIN_STEPS.join(', ')}; user steps are modules steps/<Name>.ts or .js`;
    n.sink.add('DSL_UNKNOWN_STEP', `unknown step \`${name}\``, first.value.line, first.value.col, hint);
  }
  const own = builtin ? builtinRules(name) : { params: {}, rest: 'value' as const };
  const rules: TagRules = { positional: ['name'], params: { name: { kind: 'name' }, id: { kind: 'name' }, after: { kind: 'names' }, ...own.params }, ...(own.rest ? { rest: own.rest } : {}) };
  const args = bindArgs(tag, rules, n.sink, `step ${name}`);
  const ownArgs: BoundArgs = new Map([...args].filter(([k]) => k !== 'name' && k !== 'id' && k !== 'after'));
  const params = builtin
    ? builtinParams(name, ownArgs, { contracts: n.ctx.contracts, sink: n.sink, line: tag.line, col: tag.col, ...(n.scenarioContract === undefined ? {} : { scenarioContract: n.scenarioContract }) })
    : Object.fromEntries([...ownArgs].map(([k, b]) => [k, b.value]));
  const after = afterArg(args);
  return {
    role: 'step',
    id: explicitId(args, n.sink),
    base: kebabCase(name) || 'step',
    line: tag.line,
    col: tag.col,
    name,
    kind: builtin ? 'builtin' : 'user',
    ...(user ? { module: user.module } : {}),
    params,
    ...(after === undefined ? {} : { after }),
  };
}

function explicitId(args: BoundArgs, sink: ProblemSink): string | undefined {
  const b = args.get('id');
  if (b === undefined) return undefined;
  const id = String(b.value);
  if (ID.test(id)) return id;
  sink.add('DSL_BAD_ARGUMENT', `id \`${id}\` must start with a letter or _ and contain only letters, digits, _ and -`, b.source.line, b.source.col, `e.g. id=${sanitizeId(id) || 'orders'}`);
  return undefined;
}

function afterArg(args: BoundArgs): AfterRef | undefined {
  const b = args.get('after');
  if (b === undefined || !Array.isArray(b.value)) return undefined;
  const items = b.source.kind === 'list' ? b.source.items : [b.source];
  return (b.value as string[]).map((name, i) => ({ name, line: items[i]?.line ?? b.line, col: items[i]?.col ?? b.col }));
}

function formatArg(b: Bound | undefined, sink: ProblemSink): DataFormat | undefined {
  if (b === undefined) return undefined;
  const f = String(b.value);
  if ((FORMATS as readonly string[]).includes(f)) return f as DataFormat;
  sink.add('DSL_BAD_ARGUMENT', `unknown format \`${f}\``, b.source.line, b.source.col, didYouMean(f, FORMATS) ?? `formats: ${FORMATS.join(', ')}`);
  return undefined;
}

function knownContract(b: Bound, n: NodeContext): string {
  const name = String(b.value);
  if (!n.ctx.contracts.has(name)) {
    n.sink.add('DSL_UNKNOWN_CONTRACT', `unknown contract \`${name}\``, b.source.line, b.source.col, didYouMean(name, n.ctx.contracts.keys()) ?? 'contracts are the files contracts/<name>.odcs.yaml');
  }
  return name;
}
