// What the compiler knows about the rest of the repository. The caller (the desired-state builder) fills it
// from herds/, contracts/ and steps/; the compiler itself reads nothing.

export interface CompileContext {
  /** Herd of scenarios without `@herd` (the project's `defaultHerd`). */
  readonly defaultHerd: string;
  readonly herds: ReadonlySet<string>;
  /** Contracts by name (the file stem in contracts/). */
  readonly contracts: ReadonlyMap<string, { readonly datasets: readonly string[]; readonly fields?: readonly string[] }>;
  /** User step modules by step name: repository path and content hash. */
  readonly userSteps: ReadonlyMap<string, { readonly module: string; readonly hash: string }>;
}
