// A broken invariant, thrown by the checkers the moment it is observed: continuing a run after a safety
// violation only produces noise, so the simulation stops at the first one and reports it with its step.
import type { InvariantName } from './types.ts';

export class ViolationError extends Error {
  constructor(
    readonly invariant: InvariantName,
    message: string,
  ) {
    super(`${invariant}: ${message}`);
    this.name = 'ViolationError';
  }
}

/** Throws a ViolationError; never returns. */
export function violated(invariant: InvariantName, message: string): never {
  throw new ViolationError(invariant, message);
}
