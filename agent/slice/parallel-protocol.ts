// Frames between the @parallel parent and its workers, one JSON document per line.
// parent → worker (stdin): the first line is the Init; then Data frames (a chunk part of source `s`), Reject
//   frames (undecodable input of source `s`, sent to worker 0 only) and End frames (source `s` is exhausted, sent
//   to every worker), in source order. Closing stdin ends the run.
// worker → parent (fd 3): Out frames (records for sink `k`) in the order the worker produced them, then one
//   Done frame with the worker's RunResult. The worker's stdout/stderr stay free for user step logging.
import type { ScenarioSpec } from '../../contracts/desired-state.ts';
import type { ContractLike, Rec, Rejected, RunResult } from './types.ts';

export interface InitFrame {
  readonly spec: ScenarioSpec;
  readonly repoRoot: string;
  readonly dataRoot: string;
  readonly contracts: Readonly<Record<string, ContractLike>>;
  readonly tokenKey: string;
  readonly chunkSize: number;
}

export type InFrame = { readonly s: number; readonly r: Rec[] } | { readonly s: number; readonly j: Rejected[] } | { readonly e: number };

export type OutFrame = { readonly k: number; readonly r: Rec[] } | { readonly done: RunResult };

/** FNV-1a of the key's JSON text → partition in [0, n). Same key, same partition, on every machine. */
export function partitionOf(record: Rec, key: string | undefined, n: number): number {
  const text = JSON.stringify(key === undefined ? record : (record[key] ?? null));
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % n;
}
