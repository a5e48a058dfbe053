// runi init DIR: scaffold a new pipeline repository that validates.
import { initRepo } from '../../reconciler/scaffold/init-repo.ts';
import { parse, usageError } from '../args.ts';
import { EXIT, type ExitCode } from '../exit-codes.ts';
import { json, type Output } from '../output.ts';

export const usage = `Usage: runi init DIR [--name NAME] [--json]

Creates a new pipeline repository in DIR (which must be new or empty): a project
manifest, a herd, an ODCS contract, a pipeline with a user step and golden fixtures.

Example:
  runi init my-pipelines && runi validate my-pipelines`;

export async function init(argv: string[], o: Output): Promise<ExitCode> {
  const { values, positionals } = parse(argv, { name: { type: 'string' }, json: { type: 'boolean' } }, usage);
  if (values.help) return o.out(`${usage}\n`), EXIT.ok;
  const dir = positionals[0];
  if (dir === undefined) throw usageError('missing DIR', usage);
  const files = initRepo(dir, values.name);
  if (values.json) json(o, { dir, files });
  else o.out(`Created ${dir} with ${files.length} files. Next: runi validate ${dir}\n`);
  return EXIT.ok;
}
