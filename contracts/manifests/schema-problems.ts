// Turns ajv errors into Problems a person can act on, placed at the YAML line:col of the offending key.
//   unknown key      → MANIFEST_UNKNOWN_KEY  (with "did you mean" against the keys the schema allows there)
//   missing key      → MANIFEST_REQUIRED     (hint: what the key is for, from the schema description)
//   anything else    → MANIFEST_INVALID      (enum lists the allowed values; pattern explains the format)
// Pure. Identical findings (e.g. from a `$ref` reached twice) are reported once.
import type { ErrorObject } from 'ajv';
import { problem, type Problem } from '../../common/problem.ts';
import { didYouMean } from '../../common/suggest.ts';
import type { JsonPath, YamlSource } from '../yaml-source.ts';

type SchemaNode = { readonly description?: string; readonly properties?: Record<string, SchemaNode> };

/** Keys users put in the wrong section, with where they belong. */
const MOVED_KEYS: Readonly<Record<string, string>> = {
  'spec.description': 'metadata.description',
  'spec.name': 'metadata.name',
  'spec.labels': 'metadata.labels',
};

export function schemaProblems(file: string, errors: readonly ErrorObject[], source: Pick<YamlSource, 'locate'>): Problem[] {
  const seen = new Set<string>();
  const out: Problem[] = [];
  for (const e of errors) {
    const p = toProblem(file, e, source);
    if (p === undefined) continue;
    const key = `${p.line}:${p.col}:${p.code}:${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  return out;
}

/** `/spec/roles/0/name` → ["spec", "roles", 0, "name"] (RFC 6901 unescaping). */
export function pointerToPath(pointer: string): JsonPath {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}

/** ["spec", "roles", 0, "name"] → `spec.roles[0].name`; the root is `the manifest`. */
export function formatPath(path: JsonPath): string {
  if (path.length === 0) return 'the manifest';
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
}

function toProblem(file: string, e: ErrorObject, source: Pick<YamlSource, 'locate'>): Problem | undefined {
  const path = pointerToPath(e.instancePath);
  const at = (p: JsonPath) => ({ file, ...source.locate(p) });
  const subject = `\`${formatPath(path)}\``;
  const parent = (e.parentSchema ?? {}) as SchemaNode;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const allowed = Object.keys(parent.properties ?? {});
      const where = path.length === 0 ? 'at the top level' : `in ${formatPath(path)}`;
      const moved = MOVED_KEYS[`${formatPath(path)}.${key}`];
      const hint = moved !== undefined ? `move it to \`${moved}\`` : (didYouMean(key, allowed) ?? (allowed.length > 0 ? `allowed keys: ${allowed.join(', ')}` : 'remove it'));
      return problem('MANIFEST_UNKNOWN_KEY', `unknown key \`${key}\` ${where}`, at([...path, key]), { hint });
    }
    case 'required': {
      const key = String((e.params as { missingProperty: string }).missingProperty);
      const where = path.length === 0 ? 'at the top level' : `in ${formatPath(path)}`;
      const about = firstSentence(parent.properties?.[key]?.description);
      const hint = about === undefined ? `add \`${key}:\`` : `add \`${key}:\` — ${about}`;
      return problem('MANIFEST_REQUIRED', `missing required key \`${key}\` ${where}`, at(path), { hint });
    }
    case 'type': {
      const expected = ([] as string[]).concat((e.params as { type: string | string[] }).type);
      return problem('MANIFEST_INVALID', `${subject} must be ${expected.map(article).join(' or ')}, not ${describe(e.data)}`, at(path));
    }
    case 'enum': {
      const allowed = ((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map(String);
      const hint = didYouMean(String(e.data), allowed);
      return problem('MANIFEST_INVALID', `${subject} is ${show(e.data)}, expected one of: ${allowed.join(', ')}`, at(path), hint === undefined ? {} : { hint });
    }
    case 'const':
      return problem('MANIFEST_INVALID', `${subject} must be ${show((e.params as { allowedValue: unknown }).allowedValue)}, not ${show(e.data)}`, at(path));
    case 'pattern': {
      if (e.propertyName !== undefined) {
        return problem('MANIFEST_INVALID', `key \`${e.propertyName}\` in ${formatPath(path)} is not valid`, at([...path, e.propertyName]), expected(parent.description));
      }
      return problem('MANIFEST_INVALID', `${subject} is ${show(e.data)}, which is not valid here`, at(path), expected(parent.description));
    }
    case 'propertyNames':
      return undefined; // reported by the nested `pattern` error, which names the key
    case 'uniqueItems': {
      const i = (e.params as { i: number }).i;
      const item = Array.isArray(e.data) ? e.data[i] : undefined;
      return problem('MANIFEST_INVALID', `${subject} lists ${show(item)} more than once`, at([...path, i]), { hint: 'remove the duplicate' });
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const { comparison, limit } = e.params as { comparison: string; limit: number };
      return problem('MANIFEST_INVALID', `${subject} must be ${comparison} ${limit}, not ${show(e.data)}`, at(path));
    }
    default:
      return problem('MANIFEST_INVALID', `${subject} ${e.message ?? 'is not valid'}`, at(path));
  }
}

/** The schema description as a hint: "A subject: …" → "expected a subject: …". */
function expected(description: string | undefined): { hint?: string } {
  const text = firstSentence(description);
  return text === undefined ? {} : { hint: `expected ${text.charAt(0).toLowerCase()}${text.slice(1)}` };
}

function firstSentence(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const m = /^(.*?\.)(\s|$)/.exec(text);
  return (m?.[1] ?? text).replace(/\.$/, '');
}

function article(type: string): string {
  switch (type) {
    case 'object':
      return 'a mapping';
    case 'array':
      return 'a list';
    case 'integer':
      return 'an integer';
    default:
      return `a ${type}`;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'number' && !Number.isInteger(value)) return `the number ${value}`;
  return `${article(typeof value)} (${show(value)})`;
}

function show(value: unknown): string {
  return `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;
}
