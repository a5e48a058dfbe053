// runi plan [--repo DIR] --base REF --head REF [--json|--markdown]
import { hasErrors } from '../../common/problem.ts';
import { CompileCache } from '../../reconciler/desired/compile-cache.ts';
import { compileRepo } from '../../reconciler/desired/compile-state.ts';
import { formatPlanMarkdown, formatPlanText } from '../../reconciler/plan/format-plan.ts';
import { plan as makePlan } from '../../reconciler/plan/plan.ts';
import { locateGit } from '../../reconciler/source/git-reader.ts';
import { EMPTY_REF, WORKTREE_REF, openRef } from '../../reconciler/source/open-ref.ts';
import { parse, usageError } from '../args.ts';
import { EXIT, type ExitCode } from '../exit-codes.ts';
import { json, type Output } from '../output.ts';

export const usage = `Usage: runi plan [--repo DIR] --base REF --head REF [--json | --markdown]

Compiles two states of the repository and prints what would change: scenarios added,
changed (with the fields that changed) or removed; contract verdicts with the pipelines
that read each dataset; quota use per herd before → after; approvals required.
REF is a Git revision (main, HEAD~1, a commit id), ${WORKTREE_REF} (files on disk) or ${EMPTY_REF}.
Exits 1 when the head state has errors.

Example:
  runi plan --repo examples-repo --base HEAD~1 --head ${WORKTREE_REF}`;

export async function plan(argv: string[], o: Output): Promise<ExitCode> {
  const { values } = parse(argv, { repo: { type: 'string' }, base: { type: 'string' }, head: { type: 'string' }, json: { type: 'boolean' }, markdown: { type: 'boolean' } }, usage);
  if (values.help) return o.out(`${usage}\n`), EXIT.ok;
  if (values.base === undefined || values.head === undefined) throw usageError('--base and --head are required', usage);
  if (values.json && values.markdown) throw usageError('choose one of --json and --markdown', usage);
  const dir = values.repo ?? '.';
  const needsGit = ![EMPTY_REF, WORKTREE_REF].includes(values.base) || ![EMPTY_REF, WORKTREE_REF].includes(values.head);
  const git = needsGit ? await locateGit(dir) : undefined;
  const cache = new CompileCache();
  const base = await compileRepo(await openRef(dir, values.base, git), cache);
  const head = await compileRepo(await openRef(dir, values.head, git), cache);
  const result = makePlan(base, head);
  if (values.json) json(o, result);
  else o.out(values.markdown ? formatPlanMarkdown(result) : formatPlanText(result));
  return hasErrors(result.problems) ? EXIT.findings : EXIT.ok;
}
