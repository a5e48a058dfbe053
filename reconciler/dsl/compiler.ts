// compilePipeline: one `pipelines/<name>.dsl` file → a PipelineSpec, or every problem found in it.
// Pure: the caller reads the file and builds the CompileContext. Flow: lex → parse → Feature defaults →
// per Scenario: settings, nodes, DAG, specHash. A pipeline is returned only when there are no errors
// (warnings may accompany it); its keys are sorted so equal inputs serialise equally.
import type { PipelineSpec, ScenarioSpec } from '../../contracts/desired-state.ts';
import { canonicalJson } from '../../common/canonical-json.ts';
import { hasErrors, sortProblems, type Problem } from '../../common/problem.ts';
import { buildDag } from './compile-dag.ts';
import type { CompileContext } from './compile-context.ts';
import { compileNode, type Draft } from './compile-nodes.ts';
import { compileSettings, DEFAULT_CPU_MILLIS, DEFAULT_MEMORY_BYTES, mergeSettings, type Settings } from './compile-tags.ts';
import { lex } from './lexer.ts';
import { parse, type ScenarioNode } from './parser.ts';
import { problemSink, type ProblemSink } from './problem-sink.ts';
import { specHash, type UnhashedScenario } from './spec-hash.ts';

export type { CompileContext } from './compile-context.ts';

export interface CompileInput {
  /** Repository path, used in problems and locations: `pipelines/orders.dsl`. */
  readonly file: string;
  /** Pipeline name: the file stem. */
  readonly name: string;
  readonly text: string;
}

export interface CompileResult {
  readonly pipeline?: PipelineSpec;
  readonly problems: Problem[];
}

export function compilePipeline(input: CompileInput, ctx: CompileContext): CompileResult {
  const sink = problemSink(input.file);
  const tokens = lex(input.text, sink);
  const feature = sink.full() ? undefined : parse(tokens, sink);
  if (!feature || sink.full()) return { problems: sortProblems(sink.result()) };
  const defaults = compileSettings(feature.tags, 'feature', ctx, sink);
  const scenarios: ScenarioSpec[] = [];
  for (const s of feature.scenarios) {
    if (sink.full()) break;
    if (s.slug !== '') scenarios.push(compileScenario(input, s, defaults, ctx, sink));
  }
  const problems = sortProblems(sink.result());
  if (hasErrors(problems)) return { problems };
  const pipeline: PipelineSpec = { name: input.name, file: input.file, title: feature.title, description: feature.description.join('\n'), scenarios };
  return { pipeline: JSON.parse(canonicalJson(pipeline)) as PipelineSpec, problems };
}

function compileScenario(input: CompileInput, node: ScenarioNode, defaults: Settings, ctx: CompileContext, sink: ProblemSink): ScenarioSpec {
  const s = mergeSettings(defaults, compileSettings(node.tags, 'scenario', ctx, sink));
  const drafts: Draft[] = [];
  let complete = true;
  for (const tag of node.tags) {
    if (tag.name !== 'source' && tag.name !== 'step' && tag.name !== 'sink') continue;
    const draft = tag.broken ? undefined : compileNode(tag, { ctx, sink, ...(s.contract === undefined ? {} : { scenarioContract: s.contract }) });
    if (draft) drafts.push(draft);
    else complete = false;
  }
  const hasSource = drafts.some((d) => d.role === 'source');
  const hasSink = drafts.some((d) => d.role === 'sink');
  if (complete && !hasSource) sink.add('DSL_NO_SOURCE', `scenario \`${node.title}\` has no @source`, node.line, node.col, 'add @source("file://<path>") above the Scenario');
  if (complete && !hasSink) sink.add('DSL_NO_SINK', `scenario \`${node.title}\` has no @sink`, node.line, node.col, 'add @sink("file://<path>") above the Scenario');
  const dag = buildDag(drafts, input.file, sink, complete && hasSource && hasSink);
  const modules: Record<string, string> = {};
  for (const step of dag.steps) {
    const user = step.kind === 'user' ? ctx.userSteps.get(step.name) : undefined;
    if (user) modules[user.module] = user.hash;
  }
  const spec: UnhashedScenario = {
    id: `${input.name}/${node.slug}`,
    pipeline: input.name,
    slug: node.slug,
    title: node.title,
    steps_text: node.prose.map((p) => p.text),
    herd: s.herd ?? ctx.defaultHerd,
    ...(s.contract === undefined ? {} : { contract: s.contract }),
    ...dag,
    requires: { cpu: s.cpu ?? DEFAULT_CPU_MILLIS, memory: s.memory ?? DEFAULT_MEMORY_BYTES },
    affinity: s.affinity,
    trigger: s.trigger ?? { kind: 'manual' },
    ...(s.golden === undefined ? {} : { golden: s.golden }),
    parallel: s.parallel ?? { n: 1 },
    failFast: s.failFast ?? false,
    loc: { file: input.file, line: node.line, col: node.col },
  };
  return { ...spec, specHash: specHash(spec, modules) };
}
