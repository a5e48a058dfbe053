// Error codes of the agent daemon (stable: tests, metrics and run records name them).
import { RuninkError } from '../../common/error.ts';

export const AGENT_CODES = {
  /** The placement changed, moved or was deleted after the agent read it: the run was not started. */
  FENCE_STALE: 'AGENT_FENCE_STALE',
  /** /runink/pipelines/<pipeline> is missing, or not at the placement's commit and spec hash (yet). */
  SPEC_UNAVAILABLE: 'AGENT_SPEC_UNAVAILABLE',
  /** No files for the placement's commit (no checkout under the data root and no --repo). */
  COMMIT_UNAVAILABLE: 'AGENT_COMMIT_UNAVAILABLE',
  /** The slice process could not be started. */
  LAUNCH_FAILED: 'AGENT_LAUNCH_FAILED',
  /** Another agent process holds this node's lease, or the lease was taken over while we held it. */
  LEASE_LOST: 'AGENT_LEASE_LOST',
  /** Another live agent process uses this data root. */
  DATA_ROOT_LOCKED: 'AGENT_DATA_ROOT_LOCKED',
  /** A Barn answer that is not what the protocol expects. */
  BARN_REFUSED: 'AGENT_BARN_REFUSED',
  /** The stored scenario names a herd that is not a herd name (e.g. `..`): it would escape the data root. */
  BAD_HERD: 'AGENT_BAD_HERD',
  /** The launcher broke its contract (its `exited` rejected): the slice's outcome is unknown. */
  LAUNCHER_FAILED: 'AGENT_LAUNCHER_FAILED',
  /** stop() was called before start() finished. */
  STOPPED: 'AGENT_STOPPED',
} as const;

export function agentError(code: string, message: string, data: Record<string, unknown> = {}): RuninkError {
  return new RuninkError(code, message, data);
}

export function errorData(e: unknown): { code: string; message: string } {
  if (e instanceof RuninkError) return { code: e.code, message: e.message };
  return { code: 'AGENT_INTERNAL', message: e instanceof Error ? e.message : String(e) };
}
