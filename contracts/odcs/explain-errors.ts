// Turns ajv's errors into Problems a person can act on: one problem per real mistake, at the line and column
// of the offending key, with a readable path (`schema[0].properties[1].logicalType`) and a did-you-mean.
// ajv reports, besides the real failure, the `if` that selected a `then`, and every failing branch of an
// `anyOf`/`oneOf`; those cascades are collapsed first. Schema nodes may carry `x-message` / `x-code` /
// `x-context` (see schema-common.ts) to say what a failure means in ODCS terms.
import type { ErrorObject } from 'ajv';
import { problem, type Problem } from '../../common/problem.ts';
import { didYouMean } from '../../common/suggest.ts';
import type { JsonPath } from '../yaml-source.ts';

export interface ErrorContext {
  readonly file: string;
  locate(path: JsonPath): { line: number; col: number };
}

type Annotated = { readonly [key: string]: unknown } | undefined;

/** Keys that later ODCS versions (v3.2 drafts) add; unknown in v3.0.x/v3.1.0, so worth a specific hint. */
const NEWER_KEYS: ReadonlySet<string> = new Set(['enum', 'map', 'synonyms', 'semanticType']);

export function explainErrors(errors: readonly ErrorObject[], ctx: ErrorContext): Problem[] {
  const out = new Map<string, { p: Problem; rank: number }>();
  for (const error of collapse(errors.filter((e) => e.keyword !== 'if'))) {
    const found = explain(error, ctx);
    const seen = out.get(found.key);
    if (seen === undefined || found.rank > seen.rank) out.set(found.key, found);
  }
  return [...out.values()].map((e) => e.p);
}

/** Drops the noise of `anyOf`/`oneOf`: an annotated one speaks for itself; otherwise its best branch does. */
export function collapse(errors: readonly ErrorObject[]): ErrorObject[] {
  let kept = [...errors];
  const groups = kept.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  for (const group of groups) {
    if (!kept.includes(group)) continue;
    const prefix = `${group.schemaPath}/`;
    const branches = kept.filter((e) => e.schemaPath.startsWith(prefix));
    if (annotation(group, 'x-message') !== undefined || branches.length === 0) {
      kept = kept.filter((e) => !branches.includes(e));
      continue;
    }
    const best = bestBranch(branches, prefix);
    kept = kept.filter((e) => e !== group && (!branches.includes(e) || best.includes(e)));
  }
  return kept;
}

/** The branch that got furthest into the data (deepest instancePath), then the one with the fewest errors. */
function bestBranch(branches: readonly ErrorObject[], prefix: string): ErrorObject[] {
  const byBranch = new Map<string, ErrorObject[]>();
  for (const e of branches) {
    const index = e.schemaPath.slice(prefix.length).split('/')[0]!;
    byBranch.set(index, [...(byBranch.get(index) ?? []), e]);
  }
  const depth = (list: ErrorObject[]): number => Math.max(...list.map((e) => e.instancePath.split('/').length));
  return [...byBranch.values()].sort((a, b) => depth(b) - depth(a) || a.length - b.length)[0]!;
}

function annotation(error: ErrorObject, key: string): string | undefined {
  const parent = error.parentSchema as Annotated;
  const value = parent?.[key];
  return typeof value === 'string' ? value : undefined;
}

export function segments(instancePath: string): string[] {
  if (instancePath === '') return [];
  return instancePath.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** `schema[0].properties[1].name`; the root is "the contract". */
export function readablePath(path: readonly (string | number)[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number' || /^\d+$/.test(seg)) out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out === '' ? 'the contract' : out;
}

function quoted(path: readonly (string | number)[]): string {
  return path.length === 0 ? 'the contract' : `\`${readablePath(path)}\``;
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string': return `\`${value.length > 40 ? `${value.slice(0, 40)}…` : value}\``;
    case 'number':
    case 'boolean': return `\`${String(value)}\``;
    case 'object': return 'a mapping';
    default: return typeof value;
  }
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'text', number: 'a number', integer: 'a whole number', boolean: '`true` or `false`', array: 'a list', object: 'a mapping', null: 'null',
};

function typeName(type: unknown): string {
  const list = Array.isArray(type) ? type : String(type).split(',');
  return list.map((t) => TYPE_NAMES[String(t)] ?? String(t)).join(' or ');
}

function explain(error: ErrorObject, ctx: ErrorContext): { p: Problem; key: string; rank: number } {
  const path = segments(error.instancePath);
  const where = quoted(path);
  const context = annotation(error, 'x-context');
  const code = annotation(error, 'x-code');
  const custom = annotation(error, 'x-message');
  const at = (p: JsonPath): { file: string; line: number; col: number } => ({ file: ctx.file, ...ctx.locate(p) });
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const name = String(params['additionalProperty']);
      const allowed = Object.keys(((error.parentSchema as Annotated)?.['properties'] ?? {}) as object);
      const message = `unknown property \`${name}\` in ${path.length === 0 ? 'the contract root' : readablePath(path)}${context === undefined ? '' : ` (${context})`}`;
      const hint = didYouMean(name, allowed)
        ?? (NEWER_KEYS.has(name) ? `\`${name}\` comes from a later ODCS draft (v3.2); Runink validates v3.0.x and v3.1.0, so remove it` : `remove it; allowed here: ${allowed.join(', ')}`);
      // The generic and the type-specific schema may both reject a key: report it once, the specific one.
      return { p: problem('ODCS_UNKNOWN_PROPERTY', message, at([...path, name]), { hint }), key: `unknown:${error.instancePath}/${name}`, rank: context === undefined ? 0 : 1 };
    }
    case 'required': {
      const name = String(params['missingProperty']);
      const message = custom !== undefined ? render(custom, path, error.data) : `${where} is missing required property \`${name}\``;
      const hint = context === undefined ? `add \`${name}\`` : `${context} need: ${((error.parentSchema as Annotated)?.['required'] as string[]).join(', ')}`;
      return keyed(problem(code ?? 'ODCS_REQUIRED', message, at(path), { hint }));
    }
    case 'enum':
    case 'const': {
      const allowed = (error.keyword === 'enum' ? params['allowedValues'] : [params['allowedValue']]) as unknown[];
      const shown = allowed.map(String);
      const must = shown.length === 1 ? `must be \`${shown[0]}\`` : `must be one of ${shown.join(', ')}`;
      const message = custom !== undefined ? render(custom, path, error.data) : `${where} ${must}, found ${describeValue(error.data)}`;
      const hint = code === 'ODCS_API_VERSION'
        ? `write \`apiVersion: ${shown[shown.length - 1]}\`, the newest version Runink validates`
        : typeof error.data === 'string' ? didYouMean(error.data, shown) : undefined;
      return keyed(problem(code ?? 'ODCS_INVALID_VALUE', message, at(path), hint === undefined ? {} : { hint }));
    }
    case 'type': {
      const message = custom !== undefined && code !== undefined ? render(custom, path, error.data) : `${where} must be ${typeName(params['type'])}, found ${describeValue(error.data)}`;
      return keyed(problem(code ?? 'ODCS_TYPE', message, at(path)));
    }
    default: {
      const message = custom !== undefined ? render(custom, path, error.data) : `${where} ${error.message ?? 'is invalid'}`;
      const fallback = error.keyword === 'format' || error.keyword === 'pattern' ? 'ODCS_FORMAT' : 'ODCS_SCHEMA';
      return keyed(problem(code ?? fallback, message, at(path)));
    }
  }
}

function keyed(p: Problem): { p: Problem; key: string; rank: number } {
  return { p, key: `${p.code}:${p.line}:${p.col}:${p.message}`, rank: 0 };
}

function render(template: string, path: readonly (string | number)[], value: unknown): string {
  return template.replaceAll('{path}', quoted(path)).replaceAll('{value}', describeValue(value));
}
