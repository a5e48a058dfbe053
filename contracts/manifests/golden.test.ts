// Datadriven golden tests: each folder under testdata/ is one case holding one manifest at its repository
// path (`runink.yaml` or `herds/<name>.yaml`) and `expected.txt` with the problems (formatProblem) and the
// spec as JSON. RUNINK_REWRITE=1 rewrites expected.txt from the current output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatProblem, type Problem } from '../../common/problem.ts';
import { loadHerd } from './load-herd.ts';
import { loadProject } from './load-project.ts';

const TESTDATA = join(dirname(fileURLToPath(import.meta.url)), 'testdata');
const REWRITE = process.env['RUNINK_REWRITE'] === '1';

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? yamlFiles(join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

function render(problems: readonly Problem[], label: string, result: unknown): string {
  const lines = ['# problems', ...(problems.length === 0 ? ['(none)'] : problems.map(formatProblem)), `# ${label}`];
  lines.push(result === undefined ? '(none)' : JSON.stringify(result, null, 2));
  return lines.join('\n') + '\n';
}

function run(caseDir: string): string {
  const files = yamlFiles(caseDir);
  assert.equal(files.length, 1, `${caseDir} must hold exactly one manifest`);
  const file = relative(caseDir, files[0]!).split('\\').join('/');
  const text = readFileSync(files[0]!, 'utf8');
  if (file === 'runink.yaml') {
    const { project, problems } = loadProject(file, text);
    return render(problems, 'project', project);
  }
  const { herd, problems } = loadHerd(file, text);
  return render(problems, 'herd', herd);
}

const cases = readdirSync(TESTDATA, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();

test('the golden corpus has at least 15 cases', () => {
  assert.ok(cases.length >= 15, `only ${cases.length} cases`);
});

for (const name of cases) {
  test(`case ${name} produces its expected problems and spec`, () => {
    const dir = join(TESTDATA, name);
    const actual = run(dir);
    const expectedFile = join(dir, 'expected.txt');
    if (REWRITE || !existsSync(expectedFile)) {
      writeFileSync(expectedFile, actual);
      if (!REWRITE) assert.fail(`wrote missing ${expectedFile}; review it and run again`);
      return;
    }
    assert.equal(actual, readFileSync(expectedFile, 'utf8'));
  });
}
