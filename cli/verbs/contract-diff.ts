// runi contract diff OLD NEW [--json]: breaking-change verdict between two versions of an ODCS contract.
// Exit 1 on a breaking change (or an invalid file), 0 otherwise.
import { readFile } from 'node:fs/promises';
import { hasErrors, problem, type Problem } from '../../common/problem.ts';
import { decodeTextFile } from '../../common/text-file.ts';
import { diffContracts } from '../../contracts/diff/diff-contracts.ts';
import { formatContractDiff, missingMajorBumpProblem } from '../../contracts/diff/format-contract-diff.ts';
import { validateContract } from '../../contracts/odcs/validate-contract.ts';
import { parseYaml } from '../../contracts/yaml-source.ts';
import { parse, runSubcommand, usageError } from '../args.ts';
import { EXIT, type ExitCode } from '../exit-codes.ts';
import { json, paint, printProblems, type Output } from '../output.ts';

export const usage = `Usage: runi contract diff OLD NEW [--json]

Compares two versions of an ODCS data contract and says, change by change, whether it
breaks consumers (field removed, type changed or narrowed, required added, tighter
constraints, enum value removed), does not (additions, loosening, descriptions), or
deserves a look (classification lowered, quality rule removed). A breaking change
without a major version bump is an error. Exits 1 on a breaking change.

Example:
  runi contract diff old/orders.odcs.yaml contracts/orders.odcs.yaml`;

export function contract(argv: string[], o: Output): Promise<ExitCode> {
  return runSubcommand(argv, o, { diff }, usage);
}

async function diff(argv: string[], o: Output): Promise<ExitCode> {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' } }, usage);
  if (values.help) return o.out(`${usage}\n`), EXIT.ok;
  if (positionals.length !== 2) throw usageError('expected two files: OLD NEW', usage);
  const [oldFile, newFile] = positionals as [string, string];
  const before = await load(oldFile);
  const after = await load(newFile);
  const problems = [...before.problems, ...after.problems];
  if (before.document === undefined || after.document === undefined || hasErrors(problems)) {
    if (values.json) json(o, { valid: false, problems });
    else printProblems(o, problems);
    return EXIT.findings;
  }
  const diff = diffContracts(before.document, after.document, { locateBefore: before.locate, locateAfter: after.locate });
  const bump = missingMajorBumpProblem(diff, newFile, after.locate(['version']));
  const findings: Problem[] = bump === undefined ? [] : [bump];
  if (values.json) {
    json(o, { ...diff, problems: findings });
  } else {
    o.out(formatContractDiff(diff));
    o.out(`${diff.verdict === 'breaking' ? paint(o, 'red', 'breaking') : paint(o, 'green', diff.verdict)}\n`);
  }
  return diff.verdict === 'breaking' || findings.length > 0 ? EXIT.findings : EXIT.ok;
}

async function load(file: string) {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch {
    const p = problem('CLI_NOT_FOUND', `cannot read ${file}`, { file });
    return { document: undefined, problems: [p], locate: () => ({ line: 1, col: 1 }) };
  }
  const decoded = decodeTextFile(file, bytes);
  if (!decoded.ok) return { document: undefined, problems: [decoded.problem], locate: () => ({ line: 1, col: 1 }) };
  const r = validateContract(file, decoded.text);
  const src = parseYaml(file, decoded.text);
  return { document: r.document as Record<string, unknown> | undefined, problems: r.problems, locate: src.locate };
}
