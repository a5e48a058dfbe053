// Who must approve a change before it may merge. Pure; see the decision table in policies/README.md.
//
// Contract:
// - A contract needs approval when it is removed, when its diff verdict is `breaking`, or when it changed
//   but carries no diff (it could not be compared, so it is treated as breaking). Added contracts,
//   non-breaking, warning and unchanged verdicts, and scenario changes need nothing extra.
// - Approvers (any ONE of them suffices) are the union of: the herd's `contractApprovers`, the members of
//   the herd's roles that grant `contracts.approve` (directly, by `*` or by `herd.admin`, as `authorize`
//   would), and the `firstLevelApprovers`/`secondLevelApprovers` of the head contract's ODCS `roles[]`.
//   ODCS names are free text: bare logins become `github:<login>`, `org/team` becomes
//   `github-team:org/team`, anything else ("Reporting Manager", "na") names nobody and is skipped.
// - A removed contract has no head document, so only the herd's approvers apply.
// - Approvers are de-duplicated case-insensitively and sorted; requirements are sorted by subject.
// - A requirement with no approvers can never be satisfied; its reason says how to fix that.
import type { ContractDiff } from '../contracts/contract-change.ts';
import type { ContractEntry, DesiredState, HerdSpec } from '../contracts/desired-state.ts';
import type { ApprovalRequirement, ContractVerdict, Plan } from '../contracts/plan.ts';
import { roleGrants } from './authorize.ts';
import { memberMatches, normalizeApprover, type Subject } from './subject.ts';

/** How many breaking changes a reason lists before "and N more". */
export const MAX_LISTED_CHANGES = 3;

type Trigger = 'removed' | 'breaking' | 'uncompared';

export function requiredApprovals(
  plan: Pick<Plan, 'contracts' | 'scenarios'>,
  head: Pick<DesiredState, 'herds' | 'contracts'>,
): ApprovalRequirement[] {
  const out: ApprovalRequirement[] = [];
  for (const verdict of plan.contracts) {
    const trigger = needsApproval(verdict);
    if (trigger === undefined) continue;
    const herd = Object.hasOwn(head.herds, verdict.herd) ? head.herds[verdict.herd] : undefined;
    const contract = verdict.kind === 'removed' || !Object.hasOwn(head.contracts, verdict.name) ? undefined : head.contracts[verdict.name];
    const approvers = dedupe([...herdApprovers(herd), ...odcsApprovers(contract)]);
    out.push({ subject: `contract:${verdict.name}`, reason: reason(trigger, verdict, herd, approvers), approvers });
  }
  return out.sort((a, b) => a.subject.localeCompare(b.subject));
}

/** Whether any one of `approvals` (the subjects who approved the PR) is one of the requirement's approvers. */
export function approvalSatisfied(req: ApprovalRequirement, approvals: ReadonlyArray<Subject>): boolean {
  return req.approvers.some((a) => approvals.some((s) => memberMatches(a, s)));
}

function needsApproval(v: ContractVerdict): Trigger | undefined {
  switch (v.kind) {
    case 'added':
      return undefined;
    case 'removed':
      return 'removed';
    case 'changed':
      if (v.diff === undefined) return 'uncompared';
      return v.diff.verdict === 'breaking' ? 'breaking' : undefined;
  }
}

/** `contractApprovers` plus members of roles granting `contracts.approve`, normalised. */
function herdApprovers(herd: HerdSpec | undefined): string[] {
  if (herd === undefined) return [];
  const fromRoles = herd.roles.filter((r) => roleGrants(r, 'contracts.approve')).flatMap((r) => r.members);
  return [...herd.contractApprovers, ...fromRoles].flatMap((s) => normalizeApprover(s) ?? []);
}

/** Approver names from the ODCS document's `roles[]`; tolerant of any shape (never throws). */
export function odcsApprovers(contract: Pick<ContractEntry, 'document'> | undefined): string[] {
  const roles = contract?.document['roles'];
  if (!Array.isArray(roles)) return [];
  const out: string[] = [];
  for (const role of roles as unknown[]) {
    if (typeof role !== 'object' || role === null) continue;
    for (const key of ['firstLevelApprovers', 'secondLevelApprovers']) {
      const value = (role as Record<string, unknown>)[key];
      if (typeof value !== 'string') continue;
      // The field holds "the name(s)": accept a comma-separated list.
      for (const name of value.split(',')) {
        const subject = normalizeApprover(name);
        if (subject !== undefined) out.push(subject);
      }
    }
  }
  return out;
}

function dedupe(subjects: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const s of subjects) if (!seen.has(s.toLowerCase())) seen.set(s.toLowerCase(), s);
  return [...seen.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, s]) => s);
}

function reason(trigger: Trigger, v: ContractVerdict, herd: HerdSpec | undefined, approvers: readonly string[]): string {
  const readers = v.downstream.length === 0 ? 'no scenario reads it' : `read by ${v.downstream.join(', ')}`;
  let what: string;
  switch (trigger) {
    case 'removed':
      what = `contract ${v.name} is removed; ${readers}`;
      break;
    case 'breaking':
      what = `breaking change to contract ${v.name}${versions(v.diff!)}: ${breakingChanges(v.diff!)}; ${readers}`;
      break;
    case 'uncompared':
      what = `contract ${v.name} changed but could not be compared with its base version, so it counts as breaking; ${readers}`;
      break;
  }
  if (approvers.length > 0) return what;
  const where = herd === undefined ? `herd ${v.herd} (which does not exist in this commit)` : herd.file;
  return `${what}; nobody can approve it: add contractApprovers to ${where} or approvers to the contract's ODCS roles`;
}

function versions(diff: ContractDiff): string {
  return diff.versionBefore === diff.versionAfter ? ` (version ${diff.versionAfter})` : ` (${diff.versionBefore} → ${diff.versionAfter})`;
}

function breakingChanges(diff: ContractDiff): string {
  const breaking = diff.changes.filter((c) => c.impact === 'breaking');
  const shown = breaking.slice(0, MAX_LISTED_CHANGES).map((c) => `${c.code} at ${c.path}`);
  const more = breaking.length - shown.length;
  if (shown.length === 0) return 'verdict breaking';
  return `${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}
