// Flag parsing for the verbs (node:util parseArgs) with usage errors as RuninkError CLI_USAGE.
import { readFileSync } from 'node:fs';
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

/** The bearer token in `file` (trimmed): CLI_USAGE when the flag is missing or the file empty, CLI_NOT_FOUND
 * when it cannot be read. */
export function readToken(file: string | undefined, flag: string, usage: string): string {
  if (file === undefined) throw usageError(`${flag} is required`, usage);
  let token: string;
  try {
    token = readFileSync(file, 'utf8').trim();
  } catch {
    throw new RuninkError('CLI_NOT_FOUND', `cannot read ${flag} ${file}`);
  }
  if (token === '') throw new RuninkError('CLI_USAGE', `${file} is empty: put the bearer token in it`);
  return token;
}
