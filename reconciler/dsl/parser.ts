// Parser: tokens → the file's shape: one Feature (its tags are defaults for every scenario, its free text
// the description) and its Scenarios (the tags above each, title, Given/When/Then prose). Structure errors
// only; what tags mean is the compiler's job. A single pass over the tokens, no recursion.
import { didYouMean } from '../../common/suggest.ts';
import type { ProblemSink } from './problem-sink.ts';
import { slugify } from './slug.ts';
import { isTagName, TAG_NAMES } from './tag-names.ts';
import type { ProseKeyword, Tag, Token } from './tokens.ts';

export interface ProseLine {
  readonly keyword: ProseKeyword;
  readonly text: string;
  readonly line: number;
  readonly col: number;
}

export interface ScenarioNode {
  readonly title: string;
  readonly slug: string;
  readonly tags: readonly Tag[];
  readonly prose: readonly ProseLine[];
  readonly line: number;
  readonly col: number;
}

export interface FeatureNode {
  readonly title: string;
  readonly description: readonly string[];
  readonly tags: readonly Tag[];
  readonly scenarios: readonly ScenarioNode[];
  readonly line: number;
  readonly col: number;
}

interface MutableFeature extends FeatureNode {
  readonly description: string[];
  readonly scenarios: { title: string; slug: string; tags: Tag[]; prose: ProseLine[]; line: number; col: number }[];
}

type State = 'before-feature' | 'description' | 'scenario';

/** Undefined when the file has no Feature at all (DSL_NO_FEATURE is then among the problems). */
export function parse(tokens: readonly Token[], sink: ProblemSink): FeatureNode | undefined {
  let feature: MutableFeature | undefined;
  let state: State = 'before-feature';
  let pending: Tag[] = [];
  let extraFeature = false;
  const slugs = new Map<string, number>();

  for (const t of tokens) {
    if (sink.full()) break;
    switch (t.kind) {
      case 'comment':
        break;
      case 'tag':
        if (isTagName(t.tag.name)) pending.push(t.tag);
        else unknownTag(t.tag, sink);
        break;
      case 'feature':
        if (feature) {
          sink.add('DSL_MULTIPLE_FEATURES', 'a pipeline file holds one Feature: this is a second one', t.line, t.col, `move it to its own file under pipelines/; the first Feature is at line ${feature.line}`);
          extraFeature = true;
        } else {
          if (t.title === '') sink.add('DSL_SYNTAX', '`Feature:` needs a title', t.line, t.col, 'write `Feature: <what this pipeline file is about>`');
          feature = { title: t.title, description: [], tags: pending, scenarios: [], line: t.line, col: t.col };
        }
        pending = [];
        state = 'description';
        break;
      case 'scenario': {
        if (!feature) {
          sink.add('DSL_NO_FEATURE', '`Scenario:` before any `Feature:`', t.line, t.col, 'start the file with `Feature: <title>`; tags above it are defaults for every scenario');
          feature = { title: '', description: [], tags: [], scenarios: [], line: t.line, col: t.col };
        }
        const slug = slugify(t.title);
        if (slug === '') {
          sink.add('DSL_SYNTAX', '`Scenario:` needs a title with letters or digits', t.line, t.col, 'the title names the pipeline: `Scenario: Ingest raw orders` → ingest-raw-orders');
        } else if (slugs.has(slug)) {
          sink.add('DSL_DUPLICATE_SCENARIO', `scenario \`${slug}\` is already defined at line ${slugs.get(slug)}`, t.line, t.col, 'give each scenario a distinct title');
        } else {
          slugs.set(slug, t.line);
        }
        feature.scenarios.push({ title: t.title, slug, tags: pending, prose: [], line: t.line, col: t.col });
        pending = [];
        state = 'scenario';
        extraFeature = false;
        break;
      }
      case 'prose':
        prose(t, state, pending, feature, extraFeature, sink);
        break;
    }
  }
  return finish(feature, pending, sink);
}

function unknownTag(tag: Tag, sink: ProblemSink): void {
  const hint = didYouMean(tag.name, TAG_NAMES) ?? `known tags: ${TAG_NAMES.map((n) => `@${n}`).join(', ')}`;
  sink.add('DSL_UNKNOWN_TAG', `unknown tag \`@${tag.name}\``, tag.line, tag.col, hint);
}

function prose(t: Extract<Token, { kind: 'prose' }>, state: State, pending: Tag[], feature: MutableFeature | undefined, extraFeature: boolean, sink: ProblemSink): void {
  if (state === 'before-feature') {
    sink.add('DSL_SYNTAX', `unexpected text \`${clip(t.text)}\` before \`Feature:\``, t.line, t.col, 'start the file with `Feature: <title>`; comments start with #');
    return;
  }
  if (pending.length > 0) {
    sink.add('DSL_SYNTAX', `unexpected text \`${clip(t.text)}\` between tags and \`Scenario:\``, t.line, t.col, 'tags stand directly above the Scenario they configure');
    return;
  }
  const scenario = state === 'scenario' ? feature?.scenarios[feature.scenarios.length - 1] : undefined;
  if (t.keyword !== undefined && scenario) {
    scenario.prose.push({ keyword: t.keyword, text: t.text, line: t.line, col: t.col });
  } else if (t.keyword !== undefined) {
    sink.add('DSL_SYNTAX', `\`${t.keyword}\` outside a Scenario`, t.line, t.col, 'Given/When/Then lines belong under a `Scenario:` line');
  } else if (scenario) {
    sink.add('DSL_SYNTAX', `expected Given, When, Then, And or But in a scenario, found \`${clip(t.text)}\``, t.line, t.col, 'start the line with a step keyword, or make it a comment with #');
  } else if (!extraFeature) {
    feature?.description.push(t.text);
  }
}

function finish(feature: MutableFeature | undefined, pending: Tag[], sink: ProblemSink): FeatureNode | undefined {
  const dangling = pending[0];
  if (dangling) sink.add('DSL_SYNTAX', `tag \`@${dangling.name}\` is not followed by a \`Scenario:\``, dangling.line, dangling.col, 'tags stand directly above the Scenario (or Feature) they configure');
  if (!feature) {
    sink.add('DSL_NO_FEATURE', 'no `Feature:` in the file', 1, 1, 'a pipeline file holds one `Feature: <title>` followed by its `Scenario:` blocks');
    return undefined;
  }
  if (feature.scenarios.length === 0) {
    sink.add('DSL_NO_SCENARIOS', 'the Feature has no `Scenario:`, so the file defines no pipeline', feature.line, feature.col, 'add a `Scenario:` block with @source, @step and @sink tags', 'warning');
  }
  for (const s of feature.scenarios) {
    if (s.prose.length === 0) {
      sink.add('DSL_EMPTY_SCENARIO', `scenario \`${s.title}\` has no Given/When/Then lines`, s.line, s.col, 'say in prose what the pipeline does; reviewers read it in the pull request');
    }
  }
  return feature;
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
