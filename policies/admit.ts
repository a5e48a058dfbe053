// Quota admission: does everything the state declares fit each herd's quota? Pure.
//
// Contract:
// - Worst case: every scenario may be running at once (a schedule or a manual run can start any time), so a
//   scenario uses `requires.cpu × parallel.n`, `requires.memory × parallel.n` and `parallel.n` slices of its
//   herd, whatever its trigger. Exactly at quota is admitted.
// - `usage` has one entry per herd in `state.herds` (zero when nothing runs there), keys sorted.
// - A herd over quota is ONE `POLICY_QUOTA_EXCEEDED` at its herd file, naming every exceeded dimension with
//   numbers in human units and, in the hint, the largest contributing scenarios: one finding per decision a
//   person has to make (raise the quota or shrink scenarios), instead of one per scenario.
// - A scenario whose herd does not exist is `POLICY_UNKNOWN_HERD` at the scenario, and uses no quota.
// - `quotas.pids` is a per-slice limit enforced by the agent's cgroup, not a herd total: not checked here.
import { problem, sortProblems, type Problem } from '../common/problem.ts';
import { formatCpu, formatMemory } from '../common/quantity.ts';
import { suggest } from '../common/suggest.ts';
import type { DesiredState, HerdSpec, ScenarioSpec } from '../contracts/desired-state.ts';
import type { QuotaUse } from '../contracts/plan.ts';

export interface Admission {
  readonly usage: Record<string, QuotaUse>;
  readonly problems: Problem[];
}

type Dimension = keyof QuotaUse;
const DIMENSIONS: readonly Dimension[] = ['cpu', 'memory', 'slices'];
/** How many scenarios the hint of an over-quota finding names. */
export const MAX_CONTRIBUTORS = 3;

export function admit(state: Pick<DesiredState, 'herds' | 'pipelines'>): Admission {
  const byHerd = new Map<string, ScenarioSpec[]>();
  const problems: Problem[] = [];
  for (const scenario of allScenarios(state)) {
    if (!Object.hasOwn(state.herds, scenario.herd)) {
      problems.push(unknownHerd(scenario, Object.keys(state.herds)));
      continue;
    }
    const list = byHerd.get(scenario.herd) ?? [];
    list.push(scenario);
    byHerd.set(scenario.herd, list);
  }
  const usage: Record<string, QuotaUse> = {};
  for (const name of Object.keys(state.herds).sort()) {
    const herd = state.herds[name]!;
    const scenarios = byHerd.get(name) ?? [];
    const used = sum(scenarios);
    usage[name] = used;
    const over = overQuota(herd, used, scenarios);
    if (over !== undefined) problems.push(over);
  }
  return { usage, problems: sortProblems(problems) };
}

/** What one scenario takes from its herd's quota. */
export function scenarioUse(scenario: ScenarioSpec): QuotaUse {
  const n = scenario.parallel.n;
  return { cpu: scenario.requires.cpu * n, memory: scenario.requires.memory * n, slices: n };
}

/** Every scenario, in no particular order (findings are sorted at the end; sums do not depend on order).
 * Linear and allocation-light: admit runs on every compile of repositories with thousands of scenarios. */
function allScenarios(state: Pick<DesiredState, 'pipelines'>): ScenarioSpec[] {
  const out: ScenarioSpec[] = [];
  for (const name in state.pipelines) for (const s of state.pipelines[name]!.scenarios) out.push(s);
  return out;
}

function sum(scenarios: readonly ScenarioSpec[]): QuotaUse {
  let cpu = 0;
  let memory = 0;
  let slices = 0;
  for (const s of scenarios) {
    const n = s.parallel.n;
    cpu += s.requires.cpu * n;
    memory += s.requires.memory * n;
    slices += n;
  }
  return { cpu, memory, slices };
}

function format(dim: Dimension, value: number): string {
  switch (dim) {
    case 'cpu':
      return formatCpu(value);
    case 'memory':
      return formatMemory(value);
    case 'slices':
      return String(value);
  }
}

function overQuota(herd: HerdSpec, used: QuotaUse, scenarios: readonly ScenarioSpec[]): Problem | undefined {
  const exceeded = DIMENSIONS.filter((d) => used[d] > herd.quotas[d]);
  if (exceeded.length === 0) return undefined;
  const parts = exceeded.map(
    (d) => `${d} ${format(d, used[d])} but its quota is ${format(d, herd.quotas[d])} (over by ${format(d, used[d] - herd.quotas[d])})`,
  );
  return problem(
    'POLICY_QUOTA_EXCEEDED',
    `herd ${herd.name} needs ${parts.join('; ')}`,
    { file: herd.file, line: 1, col: 1 },
    { hint: `${contributors(exceeded[0]!, scenarios)}; lower @requires or @parallel, or raise spec.quotas in ${herd.file}` },
  );
}

/** The biggest users of the first exceeded dimension, largest first (ties by id). */
function contributors(dim: Dimension, scenarios: readonly ScenarioSpec[]): string {
  const ranked = scenarios
    .map((s) => ({ s, use: scenarioUse(s) }))
    .sort((a, b) => b.use[dim] - a.use[dim] || a.s.id.localeCompare(b.s.id));
  const shown = ranked.slice(0, MAX_CONTRIBUTORS).map(({ s, use }) => `${s.id} (${describeUse(use)})`);
  const more = ranked.length - shown.length;
  return `largest by ${dim}: ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

function describeUse(use: QuotaUse): string {
  return `cpu ${formatCpu(use.cpu)}, memory ${formatMemory(use.memory)}, ${use.slices} slice${use.slices === 1 ? '' : 's'}`;
}

function unknownHerd(scenario: ScenarioSpec, known: readonly string[]): Problem {
  const close = suggest(scenario.herd, known);
  const hint =
    close !== undefined
      ? `did you mean \`${close}\`?`
      : known.length === 0
        ? 'add a herds/<herd>.yaml file'
        : `known herds: ${[...known].sort().join(', ')}`;
  return problem(
    'POLICY_UNKNOWN_HERD',
    `scenario ${scenario.id} runs in herd ${scenario.herd}, which does not exist`,
    scenario.loc,
    { hint },
  );
}
