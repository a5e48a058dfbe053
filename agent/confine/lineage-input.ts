// The slice's statistics and quality reports as the lineage builders take them (by source / sink id). Pure.
import type { ScenarioSpec } from '../../contracts/desired-state.ts';
import { assertionsFromQuality } from '../lineage/quality-facet.ts';
import type { AssertionResult, EventInput } from '../lineage/run-inputs.ts';
import type { QualityReport, RunStats } from '../slice/types.ts';

export function eventInput(spec: ScenarioSpec, stats: RunStats | undefined, qualityReports: readonly QualityReport[] = []): Omit<EventInput, 'error'> {
  if (stats === undefined) return {};
  const inputs = Object.fromEntries(Object.entries(stats.recordsIn).map(([id, records]) => [id, { records }]));
  const outputs = Object.fromEntries(Object.entries(stats.recordsOut).map(([id, records]) => [id, { records }]));
  const nodeIds = new Set([...spec.sources.map((s) => s.id), ...spec.sinks.map((s) => s.id)]);
  const quality: Record<string, AssertionResult[]> = {};
  for (const report of qualityReports) {
    const node = nodeIds.has(report.dataset) ? report.dataset : spec.sources[0]?.id;
    if (node === undefined) continue;
    (quality[node] ??= []).push(...assertionsFromQuality(report.results));
  }
  return { stats: { inputs, outputs }, quality };
}
