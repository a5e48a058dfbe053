// Runs every script in testdata/ through the interaction harness and compares each command's output with
// the golden text. RUNINK_REWRITE=1 rewrites the files with the actual output instead.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDataFile, rewriteDataFile } from '../../common/datadriven.ts';
import { InteractionEnv } from './interaction-env.ts';
import { runCommand } from './interaction-commands.ts';

const dir = join(import.meta.dirname, 'testdata');
const rewrite = process.env.RUNINK_REWRITE === '1';
const files = readdirSync(dir).filter((f) => f.endsWith('.txt')).sort();

test('the testdata folder holds at least 30 interaction scripts', () => {
  assert.ok(files.length >= 30, `only ${files.length} scripts`);
});

for (const file of files) {
  test(`interaction script ${file} produces its golden output`, () => {
    const path = join(dir, file);
    const data = parseDataFile(readFileSync(path, 'utf8'));
    const env = new InteractionEnv();
    const outputs: string[] = [];
    for (const c of data.cases) {
      let out: string;
      try {
        out = runCommand(env, c.command, c.args);
      } catch (e) {
        throw new Error(`${file}:${c.line}: ${c.commandLine}: ${(e as Error).stack ?? String(e)}`);
      }
      outputs.push(out);
      if (!rewrite) assert.equal(out, c.expected, `${file}:${c.line}: ${c.commandLine}`);
    }
    if (rewrite) writeFileSync(path, rewriteDataFile(data, outputs));
  });
}
