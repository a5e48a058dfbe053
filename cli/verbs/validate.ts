// runi validate [DIR] [--json]: compiles the working tree of a pipeline repository and lists every problem.
// Exit 1 when any file is invalid.
import { hasErrors } from '../../common/problem.ts';
import { compileRepo } from '../../reconciler/desired/compile-state.ts';
import { worktreeReader } from '../../reconciler/source/worktree-reader.ts';
import { openRef } from '../../reconciler/source/open-ref.ts';
import { parse } from '../args.ts';
import { EXIT, type ExitCode } from '../exit-codes.ts';
import { json, paint, printProblems, type Output } from '../output.ts';

export const usage = `Usage: runi validate [DIR] [--json]

Checks every manifest, contract and pipeline of the repository in DIR (default: .)
and lists every problem with file:line:col. Exits 1 if anything is invalid.

Example:
  runi validate examples-repo`;

export async function validate(argv: string[], o: Output): Promise<ExitCode> {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' } }, usage);
  if (values.help) return o.out(`${usage}\n`), EXIT.ok;
  const dir = positionals[0] ?? '.';
  await openRef(dir, 'WORKTREE'); // checks that DIR exists
  const state = await compileRepo(worktreeReader(dir));
  const invalid = hasErrors(state.problems);
  const pipelines = Object.values(state.pipelines);
  const summary = {
    dir,
    valid: !invalid,
    herds: Object.keys(state.herds).length,
    contracts: Object.keys(state.contracts).length,
    pipelines: pipelines.length,
    scenarios: pipelines.reduce((n, p) => n + p.scenarios.length, 0),
    errors: state.problems.filter((p) => p.severity === 'error').length,
    warnings: state.problems.filter((p) => p.severity === 'warning').length,
  };
  if (values.json) {
    json(o, { ...summary, problems: state.problems });
  } else {
    printProblems(o, state.problems);
    const counts = `${summary.pipelines} pipelines (${summary.scenarios} scenarios), ${summary.contracts} contracts, ${summary.herds} herds`;
    o.out(invalid
      ? `${paint(o, 'red', '✗')} ${dir}: ${summary.errors} error(s), ${summary.warnings} warning(s) in ${counts}\n`
      : `${paint(o, 'green', '✓')} ${dir}: valid — ${counts}${summary.warnings > 0 ? `, ${summary.warnings} warning(s)` : ''}\n`);
  }
  return invalid ? EXIT.findings : EXIT.ok;
}
