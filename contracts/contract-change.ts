// The result of comparing two versions of one ODCS contract (see contracts/diff/diff-contracts.ts).

export type ChangeImpact = 'breaking' | 'non-breaking' | 'warning';

export interface ContractChange {
  /** Stable code, e.g. `FIELD_REMOVED`, `TYPE_CHANGED`, `REQUIRED_ADDED`, `ENUM_VALUE_REMOVED`. */
  readonly code: string;
  readonly impact: ChangeImpact;
  /** Dotted place in the contract, e.g. `schema.orders.properties.amount.logicalType`. */
  readonly path: string;
  readonly message: string;
  readonly before?: unknown;
  readonly after?: unknown;
  /** Position in the new file (or the old one for removals), when known. */
  readonly line?: number;
  readonly col?: number;
}

export interface ContractDiff {
  readonly changes: readonly ContractChange[];
  /** `breaking` if any change is breaking, else `warning` if any warns, else `non-breaking` (or `unchanged`). */
  readonly verdict: ChangeImpact | 'unchanged';
  readonly versionBefore: string;
  readonly versionAfter: string;
  /** A breaking change without a major `version` bump: itself an error (`CONTRACT_BREAKING_WITHOUT_MAJOR`). */
  readonly missingMajorBump: boolean;
}
