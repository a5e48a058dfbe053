// Human text for a ContractDiff: a verdict line, the missing-major-bump error when there is one, then one
// line per change in the diff's (stable) order. Used by `runi contract diff` and the golden tests.
import type { ContractChange, ContractDiff } from '../contract-change.ts';
import { problem, type Problem } from '../../common/problem.ts';
import { nextMajor } from './version.ts';

export const BREAKING_WITHOUT_MAJOR = 'CONTRACT_BREAKING_WITHOUT_MAJOR';

export function formatContractDiff(diff: ContractDiff): string {
  const lines = [`contract diff ${showVersion(diff.versionBefore)} -> ${showVersion(diff.versionAfter)}: ${diff.verdict}${counts(diff.changes)}`];
  const bump = missingMajorBumpProblem(diff);
  if (bump !== undefined) lines.push(`${bump.severity} ${bump.code}: ${bump.message} (${bump.hint})`);
  for (const c of diff.changes) lines.push(formatChange(c));
  return `${lines.join('\n')}\n`;
}

/** `  breaking     FIELD_REMOVED schema.o.properties.f (12:9): message` */
export function formatChange(c: ContractChange): string {
  const at = c.line === undefined ? '' : ` (${c.line}:${c.col ?? 1})`;
  return `  ${c.impact.padEnd(12)} ${c.code} ${c.path}${at}: ${c.message}`;
}

/** The error a breaking change without a major `version` bump produces; undefined when there is none. */
export function missingMajorBumpProblem(diff: ContractDiff, file?: string, at?: { line: number; col: number }): Problem | undefined {
  if (!diff.missingMajorBump) return undefined;
  const next = nextMajor(diff.versionBefore);
  return problem(
    BREAKING_WITHOUT_MAJOR,
    `the contract has breaking changes but its major version did not increase (${showVersion(diff.versionBefore)} -> ${showVersion(diff.versionAfter)})`,
    { ...(file === undefined ? {} : { file }), ...(at ?? {}) },
    { hint: next === undefined ? 'give `version` a semantic version such as 2.0.0' : `set \`version\` to ${next}, or undo the breaking changes` },
  );
}

function counts(changes: readonly ContractChange[]): string {
  if (changes.length === 0) return '';
  const n = (impact: string): number => changes.filter((c) => c.impact === impact).length;
  const parts = [`${n('breaking')} breaking`, `${n('warning')} warning`, `${n('non-breaking')} non-breaking`];
  return ` (${parts.join(', ')})`;
}

function showVersion(v: string): string {
  return v === '' ? '(no version)' : v;
}
