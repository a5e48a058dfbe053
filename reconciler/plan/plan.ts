// plan(base, head): the pure difference between two desired states — what `runi plan` prints and the `plan`
// check run summarises. Deterministic: every list is sorted by id, so the same states give the same plan.
import { problem, sortProblems, type Problem } from '../../common/problem.ts';
import type { DesiredState, ScenarioSpec } from '../../contracts/desired-state.ts';
import type { ContractVerdict, HerdQuotaChange, PipelineChange, Plan, QuotaUse, ScenarioChange } from '../../contracts/plan.ts';
import { diffContracts } from '../../contracts/diff/diff-contracts.ts';
import { requiredApprovals } from '../../policies/required-approvals.ts';
import { scenarioFieldChanges } from './field-diff.ts';

export function plan(base: DesiredState, head: DesiredState): Plan {
  const scenarios = diffScenarios(base, head);
  const contracts = diffContractSet(base, head);
  const partial = { contracts, scenarios };
  return {
    base: base.commit,
    head: head.commit,
    pipelines: diffPipelines(base, head),
    scenarios,
    contracts,
    herds: quotaChanges(base, head),
    approvals: requiredApprovals(partial, head),
    problems: sortProblems([...head.problems, ...contractProblems(contracts, head)]),
  };
}

function diffPipelines(base: DesiredState, head: DesiredState): PipelineChange[] {
  const out: PipelineChange[] = [];
  for (const name of unionKeys(base.pipelines, head.pipelines)) {
    const a = base.pipelines[name];
    const b = head.pipelines[name];
    if (a === b) continue; // the compile cache hands out the same object for an unchanged file
    if (a === undefined && b !== undefined) out.push({ kind: 'added', name, file: b.file });
    else if (a !== undefined && b === undefined) out.push({ kind: 'removed', name, file: a.file });
    else if (a !== undefined && b !== undefined) {
      const sig = (p: typeof a): string => JSON.stringify([p.title, p.description, p.scenarios.map((s) => s.specHash)]);
      if (sig(a) !== sig(b)) out.push({ kind: 'changed', name, file: b.file });
    }
  }
  return out;
}

/** Scenario ids are `<pipeline>/<slug>`, so scenarios are compared pipeline by pipeline, and a pipeline that
 * is the very same compiled object on both sides (an unchanged file) is skipped without looking inside. */
function diffScenarios(base: DesiredState, head: DesiredState): ScenarioChange[] {
  const out: ScenarioChange[] = [];
  for (const name of unionKeys(base.pipelines, head.pipelines)) {
    const pa = base.pipelines[name];
    const pb = head.pipelines[name];
    if (pa !== pb) out.push(...diffPipelineScenarios(base, head, pa?.scenarios ?? [], pb?.scenarios ?? []));
  }
  return out.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
}

function diffPipelineScenarios(base: DesiredState, head: DesiredState, before: readonly ScenarioSpec[], after: readonly ScenarioSpec[]): ScenarioChange[] {
  const a = new Map(before.map((s) => [s.id, s]));
  const b = new Map(after.map((s) => [s.id, s]));
  const out: ScenarioChange[] = [];
  for (const id of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const before = a.get(id);
    const after = b.get(id);
    if (before === undefined && after !== undefined) {
      out.push({ kind: 'added', id, herd: after.herd, file: after.loc.file, line: after.loc.line, fields: [] });
    } else if (before !== undefined && after === undefined) {
      out.push({ kind: 'removed', id, herd: before.herd, file: before.loc.file, line: before.loc.line, fields: [] });
    } else if (before !== undefined && after !== undefined && before.specHash !== after.specHash) {
      const fields = scenarioFieldChanges(before, after, { before: base.stepModules, after: head.stepModules });
      out.push({ kind: 'changed', id, herd: after.herd, file: after.loc.file, line: after.loc.line, fields });
    }
  }
  return out;
}

function diffContractSet(base: DesiredState, head: DesiredState): ContractVerdict[] {
  const out: ContractVerdict[] = [];
  let readers: { head: Map<string, string[]>; base: Map<string, string[]> } | undefined;
  for (const name of unionKeys(base.contracts, head.contracts)) {
    const a = base.contracts[name];
    const b = head.contracts[name];
    if (a !== undefined && b !== undefined && a.hash === b.hash) continue;
    readers ??= { head: readersByContract(head), base: readersByContract(base) };
    const downstream = readers.head.get(name) ?? readers.base.get(name) ?? [];
    if (a === undefined && b !== undefined) out.push({ kind: 'added', name, file: b.file, herd: b.herd, downstream });
    else if (a !== undefined && b === undefined) out.push({ kind: 'removed', name, file: a.file, herd: a.herd, downstream });
    else if (a !== undefined && b !== undefined && a.hash !== b.hash) {
      out.push({ kind: 'changed', name, file: b.file, herd: b.herd, diff: diffContracts(a.document, b.document), downstream });
    }
  }
  return out;
}

/** Scenarios that read data governed by each contract: a source naming it, or a source without its own
 * contract in a scenario whose `@contract` names it. One pass over the state; lists sorted. */
export function readersByContract(state: DesiredState): Map<string, string[]> {
  const readers = new Map<string, string[]>();
  for (const p of Object.values(state.pipelines)) {
    for (const s of p.scenarios) {
      for (const contract of new Set(s.sources.map((src) => src.contract ?? s.contract))) {
        if (contract === undefined) continue;
        const list = readers.get(contract) ?? [];
        list.push(s.id);
        readers.set(contract, list);
      }
    }
  }
  for (const list of readers.values()) list.sort();
  return readers;
}

function quotaChanges(base: DesiredState, head: DesiredState): HerdQuotaChange[] {
  const before = base.quotaUse;
  const after = head.quotaUse;
  const zero: QuotaUse = { cpu: 0, memory: 0, slices: 0 };
  return unionKeys(base.herds, head.herds).map((herd) => {
    const spec = head.herds[herd] ?? base.herds[herd]!;
    return {
      herd,
      before: before[herd] ?? zero,
      after: after[herd] ?? zero,
      quota: { cpu: spec.quotas.cpu, memory: spec.quotas.memory, slices: spec.quotas.slices },
    };
  });
}

function contractProblems(contracts: readonly ContractVerdict[], head: DesiredState): Problem[] {
  const out: Problem[] = [];
  for (const c of contracts) {
    if (c.diff?.missingMajorBump) {
      const entry = head.contracts[c.name];
      out.push(
        problem('CONTRACT_BREAKING_WITHOUT_MAJOR', `contract ${c.name} has breaking changes but its version went from ${c.diff.versionBefore} to ${c.diff.versionAfter}`, { file: c.file, line: entry?.versionLine ?? 1, col: 1 }, {
          hint: 'bump the major version (e.g. 1.4.0 → 2.0.0) so consumers notice, or make the change non-breaking',
        }),
      );
    }
  }
  return out;
}

/** Sorted union of the keys of two records. Desired-state records are built with sorted keys, so this is a
 * linear merge; unsorted input is sorted first. */
function unionKeys(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): string[] {
  const ka = sorted(Object.keys(a));
  const kb = sorted(Object.keys(b));
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < ka.length || j < kb.length) {
    const x = ka[i];
    const y = kb[j];
    if (y === undefined || (x !== undefined && x < y)) {
      out.push(x!);
      i++;
    } else if (x === undefined || y < x) {
      out.push(y);
      j++;
    } else {
      out.push(x);
      i++;
      j++;
    }
  }
  return out;
}

function sorted(keys: string[]): string[] {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) return keys.sort();
  return keys;
}
