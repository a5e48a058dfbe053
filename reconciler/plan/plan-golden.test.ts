// Datadriven plan tests: each testdata/*.txt holds `base/…` and `head/…` files (`both/…` for files in both)
// and the expected `plan` rendering. RUNINK_REWRITE=1 rewrites the expected sections.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatTxtar, parseTxtar } from '../../common/txtar.ts';
import { CompileCache } from '../desired/compile-cache.ts';
import { compileRepo } from '../desired/compile-state.ts';
import { memoryReader } from '../source/memory-reader.ts';
import { formatPlanText } from './format-plan.ts';
import { plan } from './plan.ts';

const dir = join(import.meta.dirname, 'testdata');
const rewrite = process.env['RUNINK_REWRITE'] === '1';

for (const name of readdirSync(dir).filter((f) => f.endsWith('.txt')).sort()) {
  test(`plan golden: ${name}`, async () => {
    const archive = parseTxtar(readFileSync(join(dir, name), 'utf8'));
    const side = (which: 'base' | 'head'): Record<string, string> => {
      const files: Record<string, string> = {};
      for (const f of archive.files) {
        for (const prefix of [`${which}/`, 'both/']) if (f.name.startsWith(prefix)) files[f.name.slice(prefix.length)] = f.text;
      }
      return files;
    };
    const cache = new CompileCache();
    const base = await compileRepo(memoryReader(side('base'), 'base'), cache);
    const head = await compileRepo(memoryReader(side('head'), 'head'), cache);
    const actual = formatPlanText(plan(base, head));
    const expected = archive.files.find((f) => f.name === 'plan');
    if (rewrite) {
      const files = [...archive.files.filter((f) => f.name !== 'plan'), { name: 'plan', text: actual }];
      writeFileSync(join(dir, name), formatTxtar({ comment: archive.comment, files }));
      return;
    }
    assert.ok(expected, `${name} has no -- plan -- section (run with RUNINK_REWRITE=1)`);
    assert.equal(actual, expected.text);
  });
}
