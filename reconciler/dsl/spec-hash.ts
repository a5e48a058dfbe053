// specHash: what an agent compares to decide whether a running slice must restart. It covers everything
// that changes what runs — the scenario spec and the content of every user step module it uses — and
// nothing that merely moves: no source positions (`loc`), no hash of itself.
import type { ScenarioSpec } from '../../contracts/desired-state.ts';
import { canonicalJson, sha256 } from '../../common/canonical-json.ts';

export type UnhashedScenario = Omit<ScenarioSpec, 'specHash'>;

/** `modules` maps each user module path the scenario runs to its content hash. */
export function specHash(scenario: UnhashedScenario, modules: Readonly<Record<string, string>>): string {
  const { loc: _loc, ...rest } = scenario;
  const spec = {
    ...rest,
    sources: scenario.sources.map(({ loc: _l, ...s }) => s),
    steps: scenario.steps.map(({ loc: _l, ...s }) => s),
    sinks: scenario.sinks.map(({ loc: _l, ...s }) => s),
  };
  return sha256(canonicalJson({ modules, spec }));
}
