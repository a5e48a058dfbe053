#!/usr/bin/env node
// Runs the project's tests with node's own test runner.
//   node scripts/test.mjs                 unit, datadriven, simulation and end-to-end tests (*.test.ts)
//   node scripts/test.mjs --conformance   suites that read ../shared/conformance (*.conformance.test.ts)
//   node scripts/test.mjs FILE...         just those files
// Node 20 does not expand globs after --test, so the files are collected here.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const skip = new Set(['node_modules', '.git', 'dist', 'examples-repo', 'testdata']);

function collect(dir, out) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!skip.has(entry.name) && !entry.name.startsWith('.')) collect(join(dir, entry.name), out);
    } else if (entry.name.endsWith('.test.ts')) {
      out.push(relative(root, join(dir, entry.name)));
    }
  }
  return out;
}

const args = process.argv.slice(2);
const conformance = args.includes('--conformance');
const explicit = args.filter((a) => !a.startsWith('--'));
const all = collect(root, []).sort();
const files = explicit.length > 0 ? explicit : all.filter((f) => f.endsWith('.conformance.test.ts') === conformance);
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
