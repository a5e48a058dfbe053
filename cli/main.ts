// Entry point of `runi`: dispatches a verb to its file in verbs/, maps failures to exit codes in one place.
import { isRuninkError } from '../common/error.ts';
import { EXIT, exitCodeFor, type ExitCode } from './exit-codes.ts';
import { processOutput, type Output } from './output.ts';

type Verb = (argv: string[], o: Output) => Promise<ExitCode>;

/** Verbs load lazily, so `runi validate` never loads Barn's server stack and `runi --help` loads nothing. */
const VERBS: Record<string, { load: () => Promise<Verb>; summary: string }> = {
  init: { load: async () => (await import('./verbs/init.ts')).init, summary: 'scaffold a new pipeline repository' },
  validate: { load: async () => (await import('./verbs/validate.ts')).validate, summary: 'check manifests, contracts and pipelines' },
  plan: { load: async () => (await import('./verbs/plan.ts')).plan, summary: 'what would change between two states of the repository' },
  contract: { load: async () => (await import('./verbs/contract-diff.ts')).contract, summary: 'contract diff OLD NEW: breaking-change verdict' },
  run: { load: async () => (await import('./verbs/run.ts')).run, summary: 'run one scenario once, optionally writing its OpenLineage events' },
  test: { load: async () => (await import('./verbs/test.ts')).test, summary: 'golden tests: run scenarios on their fixtures and diff the sinks' },
  lineage: { load: async () => (await import('./verbs/lineage.ts')).lineage, summary: 'the static graph of datasets and pipelines' },
  barn: { load: async () => (await import('./verbs/barn.ts')).barn, summary: 'barn start|status|members: run or inspect the control plane' },
  agent: { load: async () => (await import('./verbs/agent.ts')).agent, summary: 'agent start: run a Runi agent that converges its placed slices' },
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
    return await (await verb.load())(rest, o);
  } catch (e) {
    const code = exitCodeFor(e);
    o.err(`runi ${name}: ${isRuninkError(e) ? `${e.message}` : e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return code;
  }
}
