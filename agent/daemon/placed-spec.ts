// The scenario a placement names, read from the stored pipeline (/runink/pipelines/<pipeline>): it must be at
// the placement's commit with the placement's spec hash, and its herd must be a herd name — the herd names a
// folder under the data root, so `..`, `.runi` or a path is refused before anything is written or launched.
import type { BarnClient } from '../../barn/client.ts';
import { domainKey } from '../../barn/state/domain-keys.ts';
import type { ScenarioSpec } from '../../contracts/desired-state.ts';
import { placedScenario, type PlacementValue, type StoredPipeline } from '../../contracts/placement.ts';
import { agentError, AGENT_CODES } from './errors.ts';

/** contracts/schema/herd.schema.json metadata.name: also the herd's folder under the data root. */
const HERD_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export async function placedSpec(barn: BarnClient, p: PlacementValue): Promise<{ pipeline: StoredPipeline; spec: ScenarioSpec }> {
  const stored = await barn.get(domainKey({ kind: 'pipeline', pipeline: p.pipeline }));
  const pipeline = stored.ok ? (stored.value.value as StoredPipeline) : undefined;
  const spec = pipeline !== undefined && pipeline.commit === p.commit ? placedScenario(pipeline, p) : undefined;
  if (pipeline === undefined || spec === undefined) {
    throw agentError(AGENT_CODES.SPEC_UNAVAILABLE, `/runink/pipelines/${p.pipeline} has no scenario ${p.scenario} at commit ${p.commit} with spec hash ${p.specHash}`);
  }
  if (typeof spec.herd !== 'string' || !HERD_NAME.test(spec.herd)) {
    throw agentError(AGENT_CODES.BAD_HERD, `scenario ${p.scenario} in /runink/pipelines/${p.pipeline} names herd ${JSON.stringify(spec.herd)}, which is not a herd name (${HERD_NAME.source})`);
  }
  return { pipeline, spec };
}
