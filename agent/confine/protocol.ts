// Messages between the launcher and a slice runtime over fd 3 (one duplex socket), one JSON object per line.
//   parent → child:  {init} once (a warm runtime waits for it), then optionally {stop}
//   child → parent:  {ready} once loaded, {progress}… , then exactly one {result} before a clean exit
// The child exits when fd 3 closes before a result (its launcher is gone).
import type { ScenarioSpec } from '../../contracts/desired-state.ts';
import type { ContractLike, InputOverride, RunResult, RunStats } from '../slice/types.ts';

export interface InitMessage {
  readonly init: {
    readonly spec: ScenarioSpec;
    readonly repoRoot: string;
    readonly dataRoot: string;
    readonly contracts: Readonly<Record<string, ContractLike>>;
    readonly inputs?: Readonly<Record<string, InputOverride>>;
    readonly tokenKey?: string;
    readonly progressIntervalMs: number;
  };
}
export interface StopMessage {
  readonly stop: string;
}
export type ParentMessage = InitMessage | StopMessage;

export type ChildMessage = { readonly ready: true } | { readonly progress: RunStats } | { readonly result: RunResult };

export function encode(m: ParentMessage | ChildMessage): string {
  return JSON.stringify(m) + '\n';
}

/** A parsed child line, or undefined when it is not a message (the caller reports PROTOCOL). */
export function decodeChild(line: string): ChildMessage | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  if ('ready' in v || 'progress' in v || 'result' in v) return v as ChildMessage;
  return undefined;
}
