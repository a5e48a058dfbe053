// Checks on a contract that JSON Schema cannot express, because they compare parts of the document:
//   ODCS_DUPLICATE_NAME / ODCS_DUPLICATE_ID   among schema objects, and among the properties of one object
//   ODCS_PRIMARY_KEY_POSITION                 positions of a composite primary key are 1..n, once each
//   ODCS_PARTITION_KEY_POSITION               the same for partition keys
//   ODCS_UNRESOLVED_RELATIONSHIP              relationship ends name objects/properties that exist (a target
//                                             object outside this contract is only a warning)
//   ODCS_RELATIONSHIP_ARITY                   composite `from` and `to` have the same length
//   ODCS_QUALITY_RANGE                        `mustBeBetween`/`mustNotBeBetween` are [low, high]
//   ODCS_INVALID_PATTERN / ODCS_INVALID_RANGE logicalTypeOptions: a regex that compiles, min <= max
// Runs on the raw parsed value even when the schema check failed, so it reads defensively and skips what is
// malformed (the schema problems already cover that).
import { problem, type Problem } from '../../common/problem.ts';
import type { JsonPath } from '../yaml-source.ts';
import { checkRelationships } from './relationship-checks.ts';
import { asList, asRecord, walkPropertyLists, type Rec } from './walk.ts';

export interface SemanticContext {
  readonly file: string;
  locate(path: JsonPath): { line: number; col: number };
}

export function semanticChecks(value: unknown, ctx: SemanticContext): Problem[] {
  const doc = asRecord(value);
  if (doc === undefined) return [];
  const out: Problem[] = [];
  const objects = asList(doc['schema']);
  uniqueBy(objects, ['schema'], 'name', 'schema object', ctx, out);
  uniqueBy(objects, ['schema'], 'id', 'schema object', ctx, out);
  objects.forEach((object, i) => {
    const o = asRecord(object);
    if (o === undefined) return;
    const props = asList(o['properties']);
    keyPositions(props, ['schema', i, 'properties'], 'primaryKey', 'primaryKeyPosition', 'ODCS_PRIMARY_KEY_POSITION', ctx, out);
    keyPositions(props, ['schema', i, 'properties'], 'partitioned', 'partitionKeyPosition', 'ODCS_PARTITION_KEY_POSITION', ctx, out);
    walkPropertyLists(props, ['schema', i, 'properties'], (list, path) => {
      uniqueBy(list, path, 'name', 'property', ctx, out);
      uniqueBy(list, path, 'id', 'property', ctx, out);
      list.forEach((p, j) => optionRanges(asRecord(p), [...path, j], ctx, out));
    });
  });
  walkQuality(doc, [], ctx, out);
  out.push(...checkRelationships(doc, ctx));
  return out;
}

function uniqueBy(list: readonly unknown[], path: JsonPath, key: 'name' | 'id', what: string, ctx: SemanticContext, out: Problem[]): void {
  const seen = new Map<string, number>();
  list.forEach((item, i) => {
    const v = asRecord(item)?.[key];
    if (typeof v !== 'string') return;
    const first = seen.get(v);
    if (first === undefined) {
      seen.set(v, i);
      return;
    }
    const firstAt = ctx.locate([...path, first, key]);
    out.push(problem(key === 'name' ? 'ODCS_DUPLICATE_NAME' : 'ODCS_DUPLICATE_ID', `${what} ${key} \`${v}\` is used twice (first at line ${firstAt.line})`, { file: ctx.file, ...ctx.locate([...path, i, key]) }, { hint: `give each ${what} its own ${key}` }));
  });
}

/** Among properties with `flag: true`, positions (when any is given) must be exactly 1..n. -1 means "none". */
function keyPositions(list: readonly unknown[], path: JsonPath, flag: string, posKey: string, code: string, ctx: SemanticContext, out: Problem[]): void {
  const keyed: { index: number; position: number | undefined }[] = [];
  list.forEach((item, i) => {
    const p = asRecord(item);
    if (p === undefined) return;
    const pos = typeof p[posKey] === 'number' ? (p[posKey] as number) : undefined;
    const at = { file: ctx.file, ...ctx.locate([...path, i, posKey]) };
    if (pos !== undefined && pos !== -1 && pos < 1) {
      out.push(problem(code, `\`${posKey}\` ${pos} is not a position: positions start at 1 (-1 means none)`, at, { hint: `number the keys 1, 2, …` }));
      return;
    }
    if (p[flag] === true) keyed.push({ index: i, position: pos === -1 ? undefined : pos });
    else if (pos !== undefined && pos >= 1) {
      out.push(problem(code, `property \`${String(p['name'])}\` has \`${posKey}: ${pos}\` but is not marked \`${flag}: true\``, at, { hint: `set \`${flag}: true\` or remove \`${posKey}\`` }));
    }
  });
  const positioned = keyed.filter((k) => k.position !== undefined);
  if (positioned.length === 0) return;
  for (const k of keyed) {
    if (k.position === undefined) {
      const name = String(asRecord(list[k.index])?.['name']);
      out.push(problem(code, `property \`${name}\` is part of the key but has no \`${posKey}\` while the others do`, { file: ctx.file, ...ctx.locate([...path, k.index, flag]) }, { hint: `give every key property a position 1..${keyed.length}` }));
    }
  }
  const seen = new Set<number>();
  for (const k of positioned) {
    const at = { file: ctx.file, ...ctx.locate([...path, k.index, posKey]) };
    if (seen.has(k.position!)) out.push(problem(code, `\`${posKey}\` ${k.position} is used twice`, at, { hint: `positions run 1..${keyed.length}, once each` }));
    else if (k.position! > keyed.length) out.push(problem(code, `\`${posKey}\` ${k.position} is out of range: the key has ${keyed.length} part(s)`, at, { hint: `positions run 1..${keyed.length}, without gaps` }));
    seen.add(k.position!);
  }
}

const RANGES: readonly (readonly [string, string])[] = [
  ['minLength', 'maxLength'], ['minimum', 'maximum'], ['minItems', 'maxItems'], ['minProperties', 'maxProperties'],
];

function optionRanges(prop: Rec | undefined, path: JsonPath, ctx: SemanticContext, out: Problem[]): void {
  const options = asRecord(prop?.['logicalTypeOptions']);
  if (options === undefined) return;
  const base = [...path, 'logicalTypeOptions'];
  if (typeof options['pattern'] === 'string') {
    try {
      new RegExp(options['pattern']);
    } catch (e) {
      out.push(problem('ODCS_INVALID_PATTERN', `\`pattern\` is not a valid regular expression: ${(e as Error).message}`, { file: ctx.file, ...ctx.locate([...base, 'pattern']) }, { hint: 'write an ECMA-262 regular expression' }));
    }
  }
  for (const [lo, hi] of RANGES) {
    const a = options[lo];
    const b = options[hi];
    if (typeof a === 'number' && typeof b === 'number' && a > b) {
      out.push(problem('ODCS_INVALID_RANGE', `\`${lo}\` ${a} is greater than \`${hi}\` ${b}: no value can satisfy both`, { file: ctx.file, ...ctx.locate([...base, lo]) }, { hint: `swap them or fix one` }));
    }
  }
}

/** Every `quality` list in the document: on schema objects and on (nested) properties. */
function walkQuality(node: unknown, path: JsonPath, ctx: SemanticContext, out: Problem[]): void {
  if (Array.isArray(node)) {
    node.forEach((item, i) => walkQuality(item, [...path, i], ctx, out));
    return;
  }
  const rec = asRecord(node);
  if (rec === undefined) return;
  for (const [key, child] of Object.entries(rec)) {
    if (key === 'quality') asList(child).forEach((q, i) => qualityRanges(asRecord(q), [...path, key, i], ctx, out));
    else if (key === 'schema' || key === 'properties' || key === 'items') walkQuality(child, [...path, key], ctx, out);
  }
}

function qualityRanges(rule: Rec | undefined, path: JsonPath, ctx: SemanticContext, out: Problem[]): void {
  for (const op of ['mustBeBetween', 'mustNotBeBetween']) {
    const range = rule?.[op];
    if (!Array.isArray(range) || range.length !== 2) continue;
    const [lo, hi] = range as unknown[];
    if (typeof lo === 'number' && typeof hi === 'number' && lo > hi) {
      out.push(problem('ODCS_QUALITY_RANGE', `\`${op}\` is [${lo}, ${hi}]: the smallest number comes first`, { file: ctx.file, ...ctx.locate([...path, op]) }, { hint: `write [${hi}, ${lo}]` }));
    }
  }
}
