// RuninkError: the base error for failures that are not findings about user input (unavailable services,
// broken invariants, I/O). It carries a stable code and structured data; the CLI and HTTP API map codes to
// exit codes and statuses in one place each.

export class RuninkError extends Error {
  readonly code: string;
  readonly data: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, data: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RuninkError';
    this.code = code;
    this.data = data;
  }
}

export function isRuninkError(e: unknown, code?: string): e is RuninkError {
  return e instanceof RuninkError && (code === undefined || e.code === code);
}
