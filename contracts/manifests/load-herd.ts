// herds/<name>.yaml (kind: Herd) → HerdSpec. Pure: the caller reads the file and passes its text.
// On top of the schema: the name must equal the file stem (MANIFEST_NAME_MISMATCH), cpu and memory are
// Kubernetes quantities parsed to millicores and bytes (MANIFEST_BAD_QUANTITY), role names are unique
// (MANIFEST_DUPLICATE_ROLE). Defaults come from contracts/schema/herd.schema.json.
import type { ErrorObject } from 'ajv';
import { hasErrors, problem, sortProblems, type Position, type Problem } from '../../common/problem.ts';
import { parseCpu, parseMemory } from '../../common/quantity.ts';
import type { HerdSpec, Isolation, Permission, RoleSpec } from '../desired-state.ts';
import type { JsonPath } from '../yaml-source.ts';
import { isRecord, loadManifest } from './load-manifest.ts';

type At = (path: JsonPath) => Position;

export interface LoadedHerd {
  /** Present only when there is no error. */
  readonly herd?: HerdSpec;
  /** Every finding, sorted; warnings may accompany a herd. */
  readonly problems: Problem[];
}

const QUANTITIES = {
  cpu: { parse: parseCpu, what: 'a CPU quantity', hint: 'write cores (`2`, `0.5`) or millicores (`500m`)' },
  memory: { parse: parseMemory, what: 'a memory quantity', hint: 'write bytes (`1073741824`) or a number with a unit: Ki, Mi, Gi, Ti, k, M, G, T (`512Mi`)' },
} as const;

export function loadHerd(file: string, text: string): LoadedHerd {
  const loaded = loadManifest(file, text, 'Herd', { skip: quantityFormatError });
  const problems = [...loaded.problems];
  const doc = loaded.doc;
  if (doc === undefined) return { problems: sortProblems(problems) };
  const at: At = (path) => ({ file, ...loaded.source.locate(path) });

  const stem = fileStem(file);
  if (doc.name !== '' && doc.name !== stem) {
    problems.push(problem('MANIFEST_NAME_MISMATCH', `herd name \`${doc.name}\` does not match its file name \`${stem}\``, at(['metadata', 'name']), { hint: `rename the file to \`herds/${doc.name}.yaml\` or set \`name: ${stem}\`` }));
  }
  const quotas = isRecord(doc.spec['quotas']) ? doc.spec['quotas'] : {};
  const cpu = parseQuantity('cpu', quotas['cpu'], at, problems);
  const memory = parseQuantity('memory', quotas['memory'], at, problems);
  problems.push(...duplicateRoles(doc.spec['roles'], at));

  const sorted = sortProblems(problems);
  if (hasErrors(sorted) || cpu === undefined || memory === undefined) return { problems: sorted };
  const spec = doc.spec;
  const retention = spec['retention'] as { runs: number; lineageDays: number };
  // Keys in alphabetical order, so equal herds serialise equally.
  const herd: HerdSpec = {
    contractApprovers: [...(spec['contractApprovers'] as string[])],
    ...(doc.description === undefined ? {} : { description: doc.description }),
    file,
    isolation: spec['isolation'] as Isolation,
    name: doc.name,
    network: spec['network'] as boolean,
    quotas: { cpu, memory, pids: quotas['pids'] as number, slices: quotas['slices'] as number },
    retention: { lineageDays: retention.lineageDays, runs: retention.runs },
    roles: (spec['roles'] as RoleSpec[]).map((r) => ({ members: [...r.members], name: r.name, permissions: [...r.permissions] as Permission[] })),
  };
  return { herd, problems: sorted };
}

/** `herds/analytics.yaml` → `analytics`. */
export function fileStem(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.replace(/\.ya?ml$/, '');
}

/** Pattern/minimum errors on cpu and memory: parseQuantity reports those as MANIFEST_BAD_QUANTITY. */
function quantityFormatError(e: ErrorObject): boolean {
  return (e.instancePath === '/spec/quotas/cpu' || e.instancePath === '/spec/quotas/memory') && e.keyword !== 'type';
}

function parseQuantity(key: keyof typeof QUANTITIES, value: unknown, at: At, problems: Problem[]): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined; // missing or wrong type: the schema said so
  const q = QUANTITIES[key];
  const parsed = q.parse(value);
  if (parsed === undefined) {
    problems.push(problem('MANIFEST_BAD_QUANTITY', `\`spec.quotas.${key}\` is \`${String(value)}\`, which is not ${q.what}`, at(['spec', 'quotas', key]), { hint: q.hint }));
  }
  return parsed;
}

function duplicateRoles(roles: unknown, at: At): Problem[] {
  if (!Array.isArray(roles)) return [];
  const seen = new Set<string>();
  const out: Problem[] = [];
  roles.forEach((role: unknown, i) => {
    const name = isRecord(role) ? role['name'] : undefined;
    if (typeof name !== 'string') return;
    if (seen.has(name)) {
      out.push(problem('MANIFEST_DUPLICATE_ROLE', `role \`${name}\` is defined more than once`, at(['spec', 'roles', i, 'name']), { hint: 'merge the members and permissions into one role' }));
    }
    seen.add(name);
  });
  return out;
}
