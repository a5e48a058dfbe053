// A plan: the pure difference between two desired states (base → head), as `runi plan` prints it and the
// GitHub check runs summarise it. Plain data, stable order (sorted by id).
import type { Problem } from '../common/problem.ts';
import type { ContractDiff } from './contract-change.ts';

export type ChangeKind = 'added' | 'changed' | 'removed';

export interface FieldChange {
  /** Dotted field of the scenario spec that changed, e.g. `requires.memory`, `steps[2].params.target`. */
  readonly field: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

export interface ScenarioChange {
  readonly kind: ChangeKind;
  /** `<pipeline>/<scenario>` */
  readonly id: string;
  readonly herd: string;
  readonly file: string;
  readonly line?: number;
  /** For `changed`: what differs. */
  readonly fields: readonly FieldChange[];
}

export interface PipelineChange {
  readonly kind: ChangeKind;
  readonly name: string;
  readonly file: string;
}

export interface ContractVerdict {
  readonly kind: ChangeKind;
  readonly name: string;
  readonly file: string;
  readonly herd: string;
  readonly diff?: ContractDiff;
  /** Scenario ids (head state, else base) that read a dataset governed by this contract. */
  readonly downstream: readonly string[];
}

export interface QuotaUse {
  readonly cpu: number;
  readonly memory: number;
  readonly slices: number;
}

export interface HerdQuotaChange {
  readonly herd: string;
  readonly before: QuotaUse;
  readonly after: QuotaUse;
  readonly quota: QuotaUse;
}

export interface ApprovalRequirement {
  /** What needs approving, e.g. `contract:orders` */
  readonly subject: string;
  readonly reason: string;
  /** Any one of these subjects (`github:alice`, `github-team:org/team`) may approve. */
  readonly approvers: readonly string[];
}

export interface Plan {
  readonly base: string;
  readonly head: string;
  readonly pipelines: readonly PipelineChange[];
  readonly scenarios: readonly ScenarioChange[];
  readonly contracts: readonly ContractVerdict[];
  readonly herds: readonly HerdQuotaChange[];
  readonly approvals: readonly ApprovalRequirement[];
  /** Findings of the head state plus plan-level ones (over quota, breaking without major bump). */
  readonly problems: readonly Problem[];
}
