// Relationship ends must name things that exist. A reference is shorthand `object.property` (by name) or
// `/schema/<id>/properties/<id>` (by id; optionally prefixed by `other.yaml#`, which points outside this
// contract and is not checked). Rules:
//   - `from` (schema level) is this contract's own data: its object and property must exist (error);
//   - `to` naming a property of an object of this contract must exist (error);
//   - `to` naming an object this contract does not describe may live in another contract: a warning, since
//     Runink cannot check it from here;
//   - composite `from` and `to` lists have the same length.
import { problem, type Problem } from '../../common/problem.ts';
import { didYouMean } from '../../common/suggest.ts';
import type { JsonPath } from '../yaml-source.ts';
import { QUALIFIED_REFERENCE, SHORTHAND_REFERENCE } from './schema-relationships.ts';
import { asList, asRecord, asString, walkPropertyLists, type Rec } from './walk.ts';

interface Context {
  readonly file: string;
  locate(path: JsonPath): { line: number; col: number };
}

type Resolution =
  | { readonly kind: 'ok' }
  | { readonly kind: 'external' }
  | { readonly kind: 'no-object'; readonly object: string; readonly candidates: readonly string[] }
  | { readonly kind: 'no-property'; readonly object: string; readonly property: string; readonly candidates: readonly string[] };

type End = 'from' | 'to';

export function checkRelationships(doc: Rec, ctx: Context): Problem[] {
  const objects = asList(doc['schema']).map(asRecord).filter((o): o is Rec => o !== undefined);
  const out: Problem[] = [];
  asList(doc['schema']).forEach((object, i) => {
    const o = asRecord(object);
    if (o === undefined) return;
    asList(o['relationships']).forEach((rel, r) => checkOne(asRecord(rel), ['schema', i, 'relationships', r], objects, ctx, out));
    walkPropertyLists(asList(o['properties']), ['schema', i, 'properties'], (list, path) => {
      list.forEach((p, j) => {
        asList(asRecord(p)?.['relationships']).forEach((rel, r) => checkOne(asRecord(rel), [...path, j, 'relationships', r], objects, ctx, out));
      });
    });
  });
  return out;
}

function checkOne(rel: Rec | undefined, path: JsonPath, objects: readonly Rec[], ctx: Context, out: Problem[]): void {
  if (rel === undefined) return;
  const from = rel['from'];
  const to = rel['to'];
  if (Array.isArray(from) && Array.isArray(to) && from.length !== to.length) {
    out.push(problem('ODCS_RELATIONSHIP_ARITY', `composite relationship has ${from.length} \`from\` and ${to.length} \`to\` references`, at(ctx, [...path, 'to']), { hint: 'list one `to` per `from`, in the same order' }));
  }
  for (const end of ['from', 'to'] as const) {
    const value = rel[end];
    const refs: [string, JsonPath][] = Array.isArray(value)
      ? value.flatMap((v, k) => (typeof v === 'string' ? [[v, [...path, end, k]] as [string, JsonPath]] : []))
      : typeof value === 'string' ? [[value, [...path, end]]] : [];
    for (const [ref, refPath] of refs) report(ref, end, resolve(ref, end, objects), at(ctx, refPath), out);
  }
}

function report(ref: string, end: End, res: Resolution, where: { file: string; line: number; col: number }, out: Problem[]): void {
  switch (res.kind) {
    case 'ok':
    case 'external':
      return;
    case 'no-object': {
      if (end === 'to' && SHORTHAND_REFERENCE.test(ref)) {
        out.push(problem('ODCS_UNRESOLVED_RELATIONSHIP', `relationship target \`${ref}\` names object \`${res.object}\`, which this contract does not describe; Runink cannot check it`, where, { severity: 'warning', hint: didYouMean(res.object, res.candidates) ?? `describe \`${res.object}\` in this contract, or refer to its contract as \`other.odcs.yaml#/schema/<id>/properties/<id>\`` }));
        return;
      }
      out.push(problem('ODCS_UNRESOLVED_RELATIONSHIP', `relationship ${end} \`${ref}\` names object \`${res.object}\`, which this contract does not describe`, where, { hint: didYouMean(res.object, res.candidates) ?? `known objects: ${res.candidates.join(', ') || 'none'}` }));
      return;
    }
    case 'no-property':
      out.push(problem('ODCS_UNRESOLVED_RELATIONSHIP', `relationship ${end} \`${ref}\`: object \`${res.object}\` has no property \`${res.property}\``, where, { hint: didYouMean(res.property, res.candidates) ?? `its properties: ${res.candidates.join(', ') || 'none'}` }));
      return;
  }
}

function resolve(ref: string, end: End, objects: readonly Rec[]): Resolution {
  if (SHORTHAND_REFERENCE.test(ref)) {
    const [objectName, propertyName] = ref.split('.') as [string, string];
    const object = objects.find((o) => o['name'] === objectName);
    if (object === undefined) return { kind: 'no-object', object: objectName, candidates: namesOf(objects, 'name') };
    return findProperty(asList(object['properties']), propertyName, 'name', objectName);
  }
  if (!QUALIFIED_REFERENCE.test(ref) || ref.includes('#')) return { kind: 'external' };
  return resolveQualified(ref.replace(/^\//, '').split('/'), objects);
}

/** `schema/<objectId>/properties/<propertyId>[/properties/<propertyId>…]`, all by stable id. */
function resolveQualified(parts: readonly string[], objects: readonly Rec[]): Resolution {
  if (parts[0] !== 'schema' || parts.length < 2) return { kind: 'external' };
  const objectId = parts[1]!;
  const object = objects.find((o) => o['id'] === objectId);
  if (object === undefined) return { kind: 'no-object', object: objectId, candidates: namesOf(objects, 'id') };
  let list = asList(object['properties']);
  let owner = objectId;
  for (let i = 2; i + 1 < parts.length; i += 2) {
    if (parts[i] !== 'properties') return { kind: 'external' };
    const found = findProperty(list, parts[i + 1]!, 'id', owner);
    if (found.kind !== 'ok') return found;
    const prop = list.map(asRecord).find((p) => p?.['id'] === parts[i + 1]);
    list = asList(prop?.['properties'] ?? asRecord(prop?.['items'])?.['properties']);
    owner = parts[i + 1]!;
  }
  return { kind: 'ok' };
}

function findProperty(list: readonly unknown[], key: string, by: 'name' | 'id', owner: string): Resolution {
  const props = list.map(asRecord).filter((p): p is Rec => p !== undefined);
  if (props.some((p) => p[by] === key)) return { kind: 'ok' };
  return { kind: 'no-property', object: owner, property: key, candidates: namesOf(props, by) };
}

function namesOf(list: readonly Rec[], by: 'name' | 'id'): string[] {
  return list.map((o) => asString(o[by])).filter((n): n is string => n !== undefined);
}

function at(ctx: Context, path: JsonPath): { file: string; line: number; col: number } {
  return { file: ctx.file, ...ctx.locate(path) };
}
