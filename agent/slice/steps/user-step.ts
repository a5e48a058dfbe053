// User steps: `<repoRoot>/<module>` (steps/<Name>.ts|.js), imported once per run (dynamic import; .ts works
// because the slice runs under tsx). The module exports either
// - a default function `(record, ctx) → record | record[] | null` (a promise of those is awaited): applied
//   per record; a throw rejects that record with the error's message (or fails a @failFast run), or
// - a named `batch(records, ctx) → records`: called ONCE per run with every record that reached the step, at
//   the end of the input. This holds the whole run's records in memory (joins, aggregations): it is the one
//   place where memory grows with the input, by the user's choice. A throw in `batch` fails the run.
// `ctx.params` holds the @step parameters (without id/after), frozen; `ctx.step` is the step id.
import { createHash } from 'node:crypto';
import { readFile, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isInside } from '../data-path.ts';
import { SliceError, messageOf } from '../errors.ts';
import type { Rec, Rejected, StepOutput } from '../types.ts';
import type { StepRuntime } from './step.ts';

type PerRecordFn = (record: Rec, ctx: UserStepContext) => unknown;
type BatchFn = (records: Rec[], ctx: UserStepContext) => unknown;

export interface UserStepContext {
  readonly params: Readonly<Record<string, unknown>>;
  readonly step: string;
}

export interface LoadedModule {
  readonly perRecord?: PerRecordFn;
  readonly batch?: BatchFn;
}

/** Imports a step module from inside the repository (symlinks out of it are refused). */
export async function loadUserModule(repoRoot: string, module: string): Promise<LoadedModule> {
  const root = await realpath(repoRoot);
  let file: string;
  try {
    file = await realpath(join(root, module));
  } catch (e) {
    throw new SliceError('SLICE_STEP_LOAD_FAILED', `step module ${module} not found in the repository`, { module }, { cause: e });
  }
  if (!isInside(root, file)) throw new SliceError('SLICE_PATH_ESCAPE', `step module ${module} resolves outside the repository`, { module });
  let ns: Record<string, unknown>;
  try {
    // The content hash in the URL makes a changed module load fresh in a long-lived process (the import cache
    // is keyed by URL), so a run always executes the code of its own commit.
    const version = createHash('sha256').update(await readFile(file)).digest('hex').slice(0, 16);
    ns = (await import(`${pathToFileURL(file).href}?v=${version}`)) as Record<string, unknown>;
  } catch (e) {
    throw new SliceError('SLICE_STEP_LOAD_FAILED', `step module ${module} failed to load: ${messageOf(e)}`, { module }, { cause: e });
  }
  const batch = typeof ns['batch'] === 'function' ? (ns['batch'] as BatchFn) : undefined;
  const perRecord = typeof ns['default'] === 'function' ? (ns['default'] as PerRecordFn) : undefined;
  if (batch === undefined && perRecord === undefined) {
    throw new SliceError('SLICE_STEP_LOAD_FAILED', `step module ${module} exports neither a default function nor \`batch\``, { module });
  }
  return batch !== undefined ? { batch } : { perRecord: perRecord! };
}

export function userStep(id: string, mod: LoadedModule, params: Readonly<Record<string, unknown>>): StepRuntime {
  const ctx: UserStepContext = Object.freeze({ params: Object.freeze({ ...params }), step: id });
  if (mod.batch !== undefined) {
    const batch = mod.batch;
    const all: Rec[] = [];
    return {
      id,
      process(records) {
        for (const r of records) all.push(r);
        return { out: [], rejects: [] };
      },
      async flush(): Promise<StepOutput> {
        let result: unknown;
        try {
          result = await batch(all, ctx);
        } catch (e) {
          throw new SliceError('SLICE_STEP_FAILED', `step ${id} (batch) failed: ${messageOf(e)}`, { step: id }, { cause: e });
        }
        all.length = 0;
        return { out: asRecords(id, result), rejects: [] };
      },
    };
  }
  const fn = mod.perRecord!;
  return {
    id,
    async process(records) {
      const out: Rec[] = [];
      const rejects: Rejected[] = [];
      for (const r of records) {
        try {
          let v = fn(r, ctx);
          if (v !== null && typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function') v = await v;
          if (v === null || v === undefined) continue;
          if (Array.isArray(v)) {
            for (const x of v) if (isRec(x)) out.push(x);
          } else if (isRec(v)) out.push(v);
          else rejects.push({ record: r, step: id, reason: `step returned ${typeof v}, not a record` });
        } catch (e) {
          rejects.push({ record: r, step: id, reason: messageOf(e) });
        }
      }
      return { out, rejects };
    },
  };
}

function asRecords(id: string, v: unknown): Rec[] {
  if (!Array.isArray(v)) throw new SliceError('SLICE_STEP_FAILED', `step ${id} (batch) must return an array of records`, { step: id });
  return v.filter(isRec);
}

function isRec(v: unknown): v is Rec {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
