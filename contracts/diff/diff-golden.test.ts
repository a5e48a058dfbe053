// Datadriven: each testdata/*.txt holds `-- before --`, `-- after --` and `-- want --` sections (text above
// the first section is a comment). The two YAML documents are diffed with source locators and the rendered
// diff must equal `want`. RUNINK_REWRITE=1 rewrites the `want` sections from the current output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseYaml } from '../yaml-source.ts';
import { diffContracts } from './diff-contracts.ts';
import { formatContractDiff } from './format-contract-diff.ts';

const dir = join(import.meta.dirname, 'testdata');
const rewrite = process.env['RUNINK_REWRITE'] === '1';

interface Case {
  readonly head: string;
  readonly before: string;
  readonly after: string;
  readonly want: string;
}

function parseCase(text: string): Case {
  const m = /^([\s\S]*?)-- before --\n([\s\S]*?)-- after --\n([\s\S]*?)-- want --\n([\s\S]*)$/.exec(text);
  if (m === null) throw new Error('expected sections `-- before --`, `-- after --`, `-- want --`');
  return { head: m[1]!, before: m[2]!, after: m[3]!, want: m[4]! };
}

function run(c: Case): string {
  const before = parseYaml('before.yaml', c.before);
  const after = parseYaml('after.yaml', c.after);
  assert.deepEqual([...before.problems, ...after.problems], [], 'test YAML must parse');
  const diff = diffContracts(before.value as Record<string, unknown>, after.value as Record<string, unknown>, {
    locateBefore: (p) => before.locate(p),
    locateAfter: (p) => after.locate(p),
  });
  return formatContractDiff(diff);
}

const files = readdirSync(dir).filter((f) => f.endsWith('.txt')).sort();

test('the golden directory holds at least 15 scenarios', () => {
  assert.ok(files.length >= 15, `found ${files.length}`);
});

for (const file of files) {
  test(`contract diff scenario ${file} renders as recorded`, () => {
    const path = join(dir, file);
    const c = parseCase(readFileSync(path, 'utf8'));
    const got = run(c);
    if (rewrite) {
      writeFileSync(path, `${c.head}-- before --\n${c.before}-- after --\n${c.after}-- want --\n${got}`);
      return;
    }
    assert.equal(got, c.want);
  });
}
