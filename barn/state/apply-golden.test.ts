// Datadriven apply tests: each testdata/*.txt is a txtar with a `commands` section — one Raft entry per line:
// the line's text is the entry's payload (so malformed JSON is just a line), `noop` is an empty entry,
// `@N <payload>` applies at index N (default: the previous index + 1), `state` prints the whole store — and
// the expected `output`. RUNINK_REWRITE=1 rewrites the output sections.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatTxtar, parseTxtar } from '../../common/txtar.ts';
import { applyEntry } from './apply.ts';
import { MemoryBackend } from './memory-backend.ts';
import { formatResult, formatState } from './testing/format.ts';

const dir = join(import.meta.dirname, 'testdata');
const rewrite = process.env['RUNINK_REWRITE'] === '1';

function run(script: string): string {
  const backend = new MemoryBackend();
  const out: string[] = [];
  let index = 0;
  for (const raw of script.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line === 'state') {
      out.push(formatState(backend));
      continue;
    }
    const at = /^@(\d+) (.*)$/.exec(line);
    index = at ? Number(at[1]) : index + 1;
    const payload = at ? at[2]! : line;
    const data = payload === 'noop' ? new Uint8Array() : new TextEncoder().encode(payload);
    const result = backend.write((w) => applyEntry(w, index, data));
    out.push(`#${index} ${formatResult(result)}`);
  }
  return `${out.join('\n')}\n`;
}

for (const name of readdirSync(dir).filter((f) => f.endsWith('.txt')).sort()) {
  test(`apply golden: ${name} gives the recorded results and state`, () => {
    const archive = parseTxtar(readFileSync(join(dir, name), 'utf8'));
    const commands = archive.files.find((f) => f.name === 'commands');
    assert.ok(commands, `${name} has no -- commands -- section`);
    const actual = run(commands.text);
    const expected = archive.files.find((f) => f.name === 'output');
    if (rewrite) {
      const files = [...archive.files.filter((f) => f.name !== 'output'), { name: 'output', text: actual }];
      writeFileSync(join(dir, name), formatTxtar({ comment: archive.comment, files }));
      return;
    }
    assert.ok(expected, `${name} has no -- output -- section (run with RUNINK_REWRITE=1)`);
    assert.equal(actual, expected.text);
  });
}
