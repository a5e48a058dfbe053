// Error catalogue of the slice runtime. Failures are data: a stable code plus structured details. A run never
// throws for bad input or failing user code; runScenario turns a SliceError into `{status: 'FAIL', error}`.
import { RuninkError } from '../../common/error.ts';

export type SliceErrorCode =
  | 'SLICE_PATH_ESCAPE' // a file:// path leaves the data root (`..`, absolute, or a symlink pointing out)
  | 'SLICE_UNSUPPORTED_URI' // a URI scheme the runtime cannot open
  | 'SLICE_SOURCE_NOT_FOUND' // a plain file source that does not exist
  | 'SLICE_IO' // reading or writing failed
  | 'SLICE_BAD_SPEC' // the compiled scenario is inconsistent (unknown node, cycle, missing parameter)
  | 'SLICE_UNKNOWN_CONTRACT' // a step names a contract the run context does not hold
  | 'SLICE_CONTRACT_INVALID' // the contract cannot be compiled into a validator
  | 'SLICE_BAD_CEL' // a CEL expression does not parse (the DSL compiler normally catches this first)
  | 'SLICE_STEP_LOAD_FAILED' // a user step module cannot be imported or exports no step
  | 'SLICE_STEP_FAILED' // a `batch` user step threw (fails the run)
  | 'SLICE_RECORD_REJECTED' // a record was rejected in a `@failFast` scenario
  | 'SLICE_ABORTED' // the run was stopped through its AbortSignal
  | 'SLICE_WORKER_FAILED' // a @parallel worker process died or broke the frame protocol
  | 'SLICE_INTERNAL'; // a bug: an unexpected exception inside the runtime

export class SliceError extends RuninkError {
  declare readonly code: SliceErrorCode;
  constructor(code: SliceErrorCode, message: string, data: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(code, message, data, options);
    this.name = 'SliceError';
  }
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
