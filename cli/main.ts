// Entry point of `runi`: dispatches a verb to its file in verbs/, maps failures to exit codes in one place.
import { isRuninkError } from '../common/error.ts';
import { EXIT, exitCodeFor, type ExitCode } from './exit-codes.ts';
import { processOutput, type Output } from './output.ts';
import * as contractDiff from './verbs/contract-diff.ts';
import * as init from './verbs/init.ts';
import * as lineage from './verbs/lineage.ts';
import * as plan from './verbs/plan.ts';
import * as validate from './verbs/validate.ts';

type Verb = (argv: string[], o: Output) => Promise<ExitCode>;

const VERBS: Record<string, { run: Verb; summary: string }> = {
  init: { run: init.init, summary: 'scaffold a new pipeline repository' },
  validate: { run: validate.validate, summary: 'check manifests, contracts and pipelines' },
  plan: { run: plan.plan, summary: 'what would change between two states of the repository' },
  contract: { run: contractDiff.contract, summary: 'contract diff OLD NEW: breaking-change verdict' },
  lineage: { run: lineage.lineage, summary: 'the static graph of datasets and pipelines' },
};

const HELP = `runi — Git as the control plane for data pipelines

Usage: runi <verb> [options]   (runi <verb> --help for details)

${Object.entries(VERBS).map(([name, v]) => `  ${name.padEnd(10)} ${v.summary}`).join('\n')}

Exit codes: 0 ok, 1 findings, 2 usage, 3 unavailable.`;

export async function main(argv: string[], o: Output = processOutput()): Promise<ExitCode> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    o.out(`${HELP}\n`);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const verb = VERBS[name];
  if (verb === undefined) {
    o.err(`runi: unknown verb \`${name}\`\n\n${HELP}\n`);
    return EXIT.usage;
  }
  try {
    return await verb.run(rest, o);
  } catch (e) {
    const code = exitCodeFor(e);
    o.err(`runi ${name}: ${isRuninkError(e) ? `${e.message}` : e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return code;
  }
}
