// A disk cache of compiled ajv validators (ajv "standalone" code). Compiling Runink's ODCS schema costs ~1 s
// per process; loading the generated module costs ~0.1 s. The edge that does the I/O for pure validators.
//
// Contract: the cache key is a sha256 of the ajv version, the caller's options label and the schema itself, so
// a changed schema or ajv upgrade never loads stale code. A cache entry is written to a temporary file and
// renamed into place (atomic: concurrent processes either see a whole module or none). Any cache failure
// (unwritable directory, corrupt entry) falls back to the in-memory compile — the cache only saves time.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AnyValidateFunction } from 'ajv/dist/core.js';
import type AjvCore from 'ajv/dist/core.js';

type Ajv = InstanceType<typeof AjvCore.default>;
import standalone from 'ajv/dist/standalone/index.js';

const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const requireHere = createRequire(import.meta.url);

/** Where compiled validators are kept: `$RUNINK_CACHE_DIR`, else the project's `node_modules/.cache/runink`. */
export function ajvCacheDir(): string {
  return process.env['RUNINK_CACHE_DIR'] ?? join(PROJECT_ROOT, 'node_modules', '.cache', 'runink');
}

function ajvVersion(): string {
  try {
    return String((JSON.parse(readFileSync(requireHere.resolve('ajv/package.json'), 'utf8')) as { version?: unknown }).version);
  } catch {
    return 'unknown';
  }
}

/**
 * The validator for `schema`: loaded from the cache when present, else compiled with `ajv` (which must have
 * been created with `code: { source: true }`) and stored. `label` names the ajv options in the key.
 */
export function cachedValidator(ajv: Ajv, schema: object, label: string, dir: string = ajvCacheDir()): AnyValidateFunction {
  const key = createHash('sha256').update(ajvVersion()).update('\0').update(label).update('\0').update(JSON.stringify(schema)).digest('hex').slice(0, 32);
  const file = join(dir, `ajv-${key}.cjs`);
  const loaded = tryLoad(file);
  if (loaded !== undefined) return loaded;
  const validate = ajv.compile(schema);
  try {
    mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, standalone.default(ajv, validate));
    renameSync(tmp, file);
  } catch {
    // Read-only install or full disk: keep the compiled validator, pay the compile next time too.
  }
  return validate;
}

function tryLoad(file: string): AnyValidateFunction | undefined {
  try {
    // Generated code is a CommonJS module that requires ajv's runtime helpers and ajv-formats: run it with a
    // require resolved from this project, so the cache directory may live anywhere.
    const module = { exports: {} as unknown };
    // Our own generated code, found by its schema hash (the same trust as node_modules).
    new Function('require', 'module', 'exports', readFileSync(file, 'utf8'))(requireHere, module, module.exports);
    const mod = module.exports as AnyValidateFunction | { default?: AnyValidateFunction };
    const fn = typeof mod === 'function' ? mod : mod.default;
    return typeof fn === 'function' ? fn : undefined;
  } catch {
    return undefined;
  }
}
