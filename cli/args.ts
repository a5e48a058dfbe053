// Flag parsing for the verbs (node:util parseArgs) with usage errors as RuninkError CLI_USAGE.
import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { RuninkError } from '../common/error.ts';
import { EXIT, type ExitCode } from './exit-codes.ts';
import type { Output } from './output.ts';

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

export type Subcommand = (argv: string[], o: Output) => Promise<ExitCode>;

/** `runi VERB SUB …`: runs the handler named by the first argument with the rest; `--help`/`-h` prints `usage`;
 * a missing or unknown subcommand is CLI_USAGE. */
export async function runSubcommand(argv: string[], o: Output, handlers: Readonly<Record<string, Subcommand>>, usage: string): Promise<ExitCode> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h') {
    o.out(`${usage}\n`);
    return EXIT.ok;
  }
  const handler = sub === undefined || !Object.hasOwn(handlers, sub) ? undefined : handlers[sub];
  if (handler === undefined) throw usageError(sub === undefined ? 'missing subcommand' : `unknown subcommand \`${sub}\``, usage);
  return handler(rest, o);
}
