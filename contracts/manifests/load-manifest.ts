// The envelope every Runink manifest shares (Kubernetes convention):
//   apiVersion: runink.dev/v1   kind: <Kind>   metadata: {name, description?, labels?}   spec: {...}
// loadManifest parses the YAML, checks the envelope itself (apiVersion, kind, the name's shape) and then the
// whole document against the kind's JSON Schema, with schema defaults filled in. It returns the document
// whenever it could be read as the expected kind — even with problems — so kind loaders can add their own
// findings (every problem, not just the first); they build a spec only when no error was found.
import type { ErrorObject } from 'ajv';
import { hasErrors, problem, type Problem } from '../../common/problem.ts';
import { didYouMean } from '../../common/suggest.ts';
import { parseYaml, type YamlSource } from '../yaml-source.ts';
import { checkSchema, MANIFEST_KINDS, type ManifestKind } from './manifest-schemas.ts';
import { schemaProblems } from './schema-problems.ts';

export const RUNINK_API_VERSION = 'runink.dev/v1';

/** DNS-label-ish: lowercase letters, digits and `-`, starting and ending alphanumeric, at most 63 chars. */
export const MANIFEST_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export interface ManifestDocument {
  readonly name: string;
  readonly description?: string;
  /** The spec with schema defaults applied; shape guaranteed only when `problems` has no errors. */
  readonly spec: Readonly<Record<string, unknown>>;
}

export interface LoadedManifest {
  /** Absent when the file is not YAML, not a mapping, or declares another kind. */
  readonly doc?: ManifestDocument;
  readonly problems: Problem[];
  readonly source: YamlSource;
}

export interface LoadOptions {
  /** Schema errors the kind loader reports itself, with a more precise code. */
  readonly skip?: (error: ErrorObject) => boolean;
}

export function loadManifest(file: string, text: string, kind: ManifestKind, options: LoadOptions = {}): LoadedManifest {
  const source = parseYaml(file, text);
  const problems = [...source.problems];
  if (hasErrors(problems)) return { problems, source };
  const value = source.value;
  if (!isRecord(value)) {
    problems.push(problem('MANIFEST_NOT_MAPPING', `expected a ${kind} manifest (a mapping with apiVersion, kind, metadata and spec), found ${value === null || value === undefined ? 'an empty document' : 'a ' + (Array.isArray(value) ? 'list' : typeof value)}`, { file, line: 1, col: 1 }, { hint: `start from \`apiVersion: ${RUNINK_API_VERSION}\` and \`kind: ${kind}\`` }));
    return { problems, source };
  }
  const envelope = checkEnvelope(file, value, kind, source);
  problems.push(...envelope.problems);
  if (envelope.otherKind) return { problems, source };

  const copy = structuredClone(value);
  const check = checkSchema(kind, copy);
  const skip = options.skip ?? (() => false);
  problems.push(...schemaProblems(file, check.errors.filter((e) => !ownedByEnvelope(e) && !skip(e)), source));

  const metadata = isRecord(copy['metadata']) ? copy['metadata'] : {};
  const spec = isRecord(copy['spec']) ? copy['spec'] : {};
  const name = typeof metadata['name'] === 'string' ? metadata['name'] : '';
  const description = typeof metadata['description'] === 'string' ? metadata['description'] : undefined;
  return { doc: description === undefined ? { name, spec } : { name, description, spec }, problems, source };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface EnvelopeCheck {
  readonly problems: Problem[];
  /** The file declares a different known or unknown kind: its spec is not checked against this schema. */
  readonly otherKind: boolean;
}

function checkEnvelope(file: string, value: Record<string, unknown>, kind: ManifestKind, source: YamlSource): EnvelopeCheck {
  const problems: Problem[] = [];
  const at = (path: Array<string>) => ({ file, ...source.locate(path) });
  const apiVersion = value['apiVersion'];
  if (apiVersion === undefined) {
    problems.push(problem('MANIFEST_API_VERSION', 'missing `apiVersion`', at([]), { hint: `add \`apiVersion: ${RUNINK_API_VERSION}\`` }));
  } else if (apiVersion !== RUNINK_API_VERSION) {
    problems.push(problem('MANIFEST_API_VERSION', `unsupported apiVersion \`${String(apiVersion)}\``, at(['apiVersion']), { hint: `this version of Runink reads \`apiVersion: ${RUNINK_API_VERSION}\`` }));
  }
  const declared = value['kind'];
  let otherKind = false;
  if (declared === undefined) {
    problems.push(problem('MANIFEST_KIND', 'missing `kind`', at([]), { hint: `add \`kind: ${kind}\`` }));
  } else if (declared !== kind) {
    otherKind = true;
    const known = MANIFEST_KINDS.includes(declared as ManifestKind);
    const hint = known ? `this file is read as a ${kind}; ${placeOf(declared as ManifestKind)}` : (didYouMean(String(declared), [kind]) ?? `use \`kind: ${kind}\``);
    problems.push(problem('MANIFEST_KIND', `expected \`kind: ${kind}\`, found \`${String(declared)}\``, at(['kind']), { hint }));
  }
  const metadata = value['metadata'];
  const name = isRecord(metadata) ? metadata['name'] : undefined;
  if (typeof name === 'string' && !MANIFEST_NAME.test(name)) {
    problems.push(problem('MANIFEST_BAD_NAME', `name \`${name}\` is not valid`, at(['metadata', 'name']), { hint: 'use lowercase letters, digits and `-`, starting and ending with a letter or digit, at most 63 characters' }));
  }
  return { problems, otherKind };
}

function placeOf(kind: ManifestKind): string {
  switch (kind) {
    case 'Project':
      return 'a Project manifest belongs in `runink.yaml` at the repository root';
    case 'Herd':
      return 'a Herd manifest belongs in `herds/<name>.yaml`';
  }
}

/** Schema errors about what checkEnvelope already reported with its own codes. */
function ownedByEnvelope(e: ErrorObject): boolean {
  if (e.instancePath === '/apiVersion' || e.instancePath === '/kind') return true;
  if (e.instancePath === '' && e.keyword === 'required') {
    const missing = (e.params as { missingProperty?: string }).missingProperty;
    return missing === 'apiVersion' || missing === 'kind';
  }
  return e.instancePath === '/metadata/name' && e.keyword === 'pattern';
}
