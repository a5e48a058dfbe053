// The core's log sink: injected, synchronous, never does I/O itself (the node loop or the harness decides
// where lines go). Lines describe protocol decisions ("1 became leader at term 2") and are part of the
// harness's golden output, so their wording is stable.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface RaftLogger {
  log(level: LogLevel, message: string): void;
}

export const NOOP_LOGGER: RaftLogger = { log: () => {} };

export const LEVEL_RANK: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warn: 2, error: 3 };
