// Flag parsing for the verbs (node:util parseArgs) with usage errors as RuninkError CLI_USAGE.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { RuninkError } from '../common/error.ts';

export type Options = NonNullable<ParseArgsConfig['options']>;

export function parse<T extends Options>(argv: string[], options: T, usage: string) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new RuninkError('CLI_USAGE', `${e instanceof Error ? e.message : String(e)}\n\n${usage}`);
  }
}

export function usageError(message: string, usage: string): RuninkError {
  return new RuninkError('CLI_USAGE', `${message}\n\n${usage}`);
}
