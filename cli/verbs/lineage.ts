// runi lineage [--repo DIR] [--format mermaid|json]: the static graph of datasets and pipelines.
import { hasErrors } from '../../common/problem.ts';
import { compileRepo } from '../../reconciler/desired/compile-state.ts';
import { staticGraph, toMermaid } from '../../reconciler/lineage/static-graph.ts';
import { openRef, WORKTREE_REF } from '../../reconciler/source/open-ref.ts';
import { parse, usageError } from '../args.ts';
import { EXIT, type ExitCode } from '../exit-codes.ts';
import { json, printProblems, type Output } from '../output.ts';

export const usage = `Usage: runi lineage [--repo DIR] [--ref REF] [--format mermaid|json]

Prints the static lineage graph: which scenario reads and writes which dataset
(datasets are \`<herd>:<path>\` under the herd's data root). Mermaid by default
(paste it into a Markdown file on GitHub); --format json for machines.

Example:
  runi lineage --repo examples-repo --format mermaid`;

export async function lineage(argv: string[], o: Output): Promise<ExitCode> {
  const { values } = parse(argv, { repo: { type: 'string' }, ref: { type: 'string' }, format: { type: 'string' }, json: { type: 'boolean' } }, usage);
  if (values.help) return o.out(`${usage}\n`), EXIT.ok;
  const format = values.json ? 'json' : (values.format ?? 'mermaid');
  if (format !== 'mermaid' && format !== 'json') throw usageError(`unknown format \`${format}\` (mermaid or json)`, usage);
  const state = await compileRepo(await openRef(values.repo ?? '.', values.ref ?? WORKTREE_REF));
  if (hasErrors(state.problems)) {
    printProblems(o, state.problems);
    return EXIT.findings;
  }
  const graph = staticGraph(state);
  if (format === 'json') json(o, graph);
  else o.out(toMermaid(graph));
  return EXIT.ok;
}
