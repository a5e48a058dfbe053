// Scenario settings from tags: @herd, @contract, @requires, @affinity, @schedule/@stream, @golden,
// @parallel, @failFast. Tags above `Feature:` are defaults; a scenario's own tags override them (per key for
// @requires and @affinity). Each block is compiled once, so a bad default is reported once, not per scenario.
import type { Trigger } from '../../contracts/desired-state.ts';
import { parseCpu, parseMemory } from '../../common/quantity.ts';
import { didYouMean } from '../../common/suggest.ts';
import { bindArgs, type Bound, type TagRules } from './args.ts';
import type { CompileContext } from './compile-context.ts';
import { checkCron } from './expressions.ts';
import { checkRepoPath } from './paths.ts';
import type { ProblemSink } from './problem-sink.ts';
import { REPEATABLE_TAGS, SCENARIO_ONLY_TAGS, type TagName } from './tag-names.ts';
import type { Tag } from './tokens.ts';

export interface Settings {
  herd?: string;
  contract?: string;
  cpu?: number;
  memory?: number;
  affinity: Record<string, string>;
  trigger?: Trigger;
  golden?: string;
  parallel?: { n: number; key?: string };
  failFast?: boolean;
}

/** Defaults for `@requires` when neither the Feature nor the Scenario says: 250m CPU, 256Mi memory. */
export const DEFAULT_CPU_MILLIS = 250;
export const DEFAULT_MEMORY_BYTES = 256 * 1024 * 1024;
export const MAX_PARALLEL = 1024;

const RULES: Record<Exclude<TagName, 'source' | 'step' | 'sink'>, TagRules> = {
  herd: { positional: ['name'], params: { name: { kind: 'name', required: true } } },
  contract: { positional: ['name'], params: { name: { kind: 'name', required: true } } },
  requires: { positional: [], params: { cpu: { kind: 'quantity' }, memory: { kind: 'quantity' } } },
  affinity: { positional: [], params: {}, rest: 'text' },
  schedule: { positional: ['cron'], params: { cron: { kind: 'text', required: true } } },
  stream: { positional: [], params: {} },
  golden: { positional: ['path'], params: { path: { kind: 'text', required: true } } },
  parallel: { positional: ['n'], params: { n: { kind: 'int', required: true }, key: { kind: 'name' } } },
  failFast: { positional: [], params: {} },
};

export function compileSettings(tags: readonly Tag[], level: 'feature' | 'scenario', ctx: CompileContext, sink: ProblemSink): Settings {
  const s: Settings = { affinity: {} };
  const seen = new Map<string, Tag>();
  for (const tag of tags) {
    const name = tag.name as TagName;
    if (level === 'feature' && SCENARIO_ONLY_TAGS.has(name)) {
      sink.add('DSL_MISPLACED_TAG', `@${name} belongs to a Scenario, not above \`Feature:\``, tag.line, tag.col, 'move it above the Scenario it feeds');
      continue;
    }
    if (name === 'source' || name === 'step' || name === 'sink' || tag.broken) continue;
    const first = seen.get(name);
    if (first && !REPEATABLE_TAGS.has(name)) {
      sink.add('DSL_DUPLICATE_TAG', `@${name} is given twice (first at line ${first.line})`, tag.line, tag.col, 'keep one');
      continue;
    }
    seen.set(name, tag);
    const trigger = name === 'schedule' ? seen.get('stream') : name === 'stream' ? seen.get('schedule') : undefined;
    if (trigger) {
      sink.add('DSL_CONFLICTING_TRIGGER', `@schedule and @stream exclude each other (the other is at line ${trigger.line})`, tag.line, tag.col, 'a scenario runs on a schedule or as a stream; neither means it runs when started by hand');
      continue;
    }
    apply(name, tag, s, ctx, sink);
  }
  return s;
}

function apply(name: Exclude<TagName, 'source' | 'step' | 'sink'>, tag: Tag, s: Settings, ctx: CompileContext, sink: ProblemSink): void {
  const args = bindArgs(tag, RULES[name], sink);
  const text = (key: string): string | undefined => (args.get(key) === undefined ? undefined : String(args.get(key)!.value));
  switch (name) {
    case 'herd':
      s.herd = checkName(args.get('name'), ctx.herds, 'DSL_UNKNOWN_HERD', 'herd', 'herds are the files herds/<name>.yaml', sink);
      return;
    case 'contract':
      s.contract = checkName(args.get('name'), new Set(ctx.contracts.keys()), 'DSL_UNKNOWN_CONTRACT', 'contract', 'contracts are the files contracts/<name>.odcs.yaml', sink);
      return;
    case 'requires':
      s.cpu = quantity(args.get('cpu'), parseCpu, 'cpu', sink) ?? s.cpu;
      s.memory = quantity(args.get('memory'), parseMemory, 'memory', sink) ?? s.memory;
      return;
    case 'affinity':
      for (const [label, b] of args) s.affinity[label] = String(b.value);
      return;
    case 'schedule': {
      const cron = args.get('cron');
      const expr = cron && checkCron(String(cron.value), cron, sink);
      if (expr !== undefined) s.trigger = { kind: 'schedule', cron: expr };
      return;
    }
    case 'stream':
      s.trigger = { kind: 'stream' };
      return;
    case 'golden': {
      const path = args.get('path');
      s.golden = path && checkRepoPath(String(path.value), path, sink);
      return;
    }
    case 'parallel': {
      const n = args.get('n');
      if (n === undefined) return;
      if (typeof n.value !== 'number' || n.value < 1 || n.value > MAX_PARALLEL) {
        sink.add('DSL_BAD_ARGUMENT', `@parallel count must be between 1 and ${MAX_PARALLEL}, got ${String(n.value)}`, n.source.line, n.source.col, 'e.g. @parallel(4, key=customer_id)');
        return;
      }
      const key = text('key');
      s.parallel = key === undefined ? { n: n.value } : { n: n.value, key };
      return;
    }
    case 'failFast':
      s.failFast = true;
      return;
  }
}

function checkName(b: Bound | undefined, known: ReadonlySet<string>, code: string, what: string, fallback: string, sink: ProblemSink): string | undefined {
  if (b === undefined) return undefined;
  const name = String(b.value);
  if (!known.has(name)) sink.add(code, `unknown ${what} \`${name}\``, b.source.line, b.source.col, didYouMean(name, known) ?? fallback);
  return name;
}

function quantity(b: Bound | undefined, parse: (v: string) => number | undefined, what: 'cpu' | 'memory', sink: ProblemSink): number | undefined {
  if (b === undefined) return undefined;
  const value = parse(String(b.value));
  if (value === undefined || value <= 0) {
    const example = what === 'cpu' ? 'cpu=500m or cpu=2' : 'memory=256Mi or memory=1Gi';
    sink.add('DSL_BAD_QUANTITY', `${what} \`${String(b.value)}\` is not a valid ${what} quantity`, b.source.line, b.source.col, `e.g. ${example}`);
    return undefined;
  }
  return value;
}

/** Scenario settings over Feature defaults. */
export function mergeSettings(feature: Settings, scenario: Settings): Settings {
  const out: Settings = { ...feature, affinity: { ...feature.affinity, ...scenario.affinity } };
  for (const [k, v] of Object.entries(scenario) as [keyof Settings, unknown][]) {
    if (k !== 'affinity' && v !== undefined) (out as unknown as Record<string, unknown>)[k] = v;
  }
  return out;
}
