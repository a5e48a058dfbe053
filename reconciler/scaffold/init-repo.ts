// Writes the scaffold of a new pipeline repository into DIR. Refuses a folder that already has files, so it
// never overwrites anyone's work; writes every file or (on an I/O error) removes what it wrote.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { RuninkError } from '../../common/error.ts';
import { TEMPLATE } from './template.ts';

export function initRepo(dir: string, name = basename(resolve(dir))): string[] {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new RuninkError('INIT_NOT_EMPTY', `${dir} is not empty; runi init only writes into a new or empty folder`, { dir });
  }
  const projectName = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'pipelines';
  const created = !existsSync(dir);
  const written: string[] = [];
  try {
    for (const [path, text] of Object.entries(TEMPLATE)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text.replaceAll('{{name}}', projectName), { flag: 'wx' });
      written.push(path);
    }
  } catch (e) {
    if (created) rmSync(dir, { recursive: true, force: true });
    else for (const path of written) rmSync(join(dir, path), { force: true });
    throw new RuninkError('INIT_FAILED', `could not write the scaffold into ${dir}: ${String(e)}`, { dir });
  }
  return written;
}
