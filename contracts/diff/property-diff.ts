// Properties (fields), matched by name (fallback id) and compared recursively through nested `properties`
// and array `items`. Perspective: a change is breaking when a record valid under the old contract may be
// rejected by the new one, or when a field readers use disappears or changes meaning.
import { asText, elements, isTrue, type Element, type Obj, type RawPath } from './contract-view.ts';
import { show, type Emit } from './change-sink.ts';
import { matchElements } from './match-elements.ts';
import { diffOptions } from './options-diff.ts';
import { diffClassification } from './classification.ts';
import { diffQuality } from './quality-diff.ts';
import { diffMetadata } from './metadata-diff.ts';
import { isLogicalWidening, isPhysicalWidening, samePhysicalType } from './type-widening.ts';

/** A node being compared: a property or array `items` (which has no name). */
interface Side {
  readonly node: Obj;
  readonly raw: RawPath;
}

const HANDLED = new Set(['name', 'id', 'logicalType', 'physicalType', 'logicalTypeOptions', 'required', 'unique', 'primaryKey', 'primaryKeyPosition', 'classification', 'quality', 'properties', 'items']);

export function diffProperties(before: unknown, after: unknown, path: string, rawBefore: RawPath, rawAfter: RawPath, emit: Emit): void {
  const m = matchElements(elements(before, [...rawBefore, 'properties']), elements(after, [...rawAfter, 'properties']));
  for (const a of m.removed) {
    emit({ code: 'FIELD_REMOVED', impact: 'breaking', path: fieldPath(path, a), message: `field \`${a.key}\` was removed: readers and writers of it break`, before: a.key, raw: a.raw, side: 'before' });
  }
  for (const b of m.added) {
    const required = isTrue(b.node['required']);
    emit({
      code: required ? 'REQUIRED_FIELD_ADDED' : 'OPTIONAL_FIELD_ADDED',
      impact: required ? 'breaking' : 'non-breaking',
      path: fieldPath(path, b),
      message: required ? `required field \`${b.key}\` was added: records without it will be rejected` : `optional field \`${b.key}\` was added`,
      after: b.key,
      raw: b.raw,
      side: 'after',
    });
  }
  for (const [a, b] of m.renamed) {
    emit({ code: 'FIELD_RENAMED', impact: 'breaking', path: fieldPath(path, a), message: `field \`${a.key}\` was renamed to \`${b.key}\` (same id \`${a.id}\`): readers of the old name break`, before: a.key, after: b.key, raw: b.raw, side: 'after' });
    diffProperty(a, b, fieldPath(path, b), emit);
  }
  for (const [a, b] of m.same) diffProperty(a, b, fieldPath(path, a), emit);
}

export function diffProperty(a: Side, b: Side, path: string, emit: Emit): void {
  const at = (key: string): { raw: RawPath; side: 'after' } => ({ raw: [...b.raw, key], side: 'after' });
  diffLogicalType(asText(a.node['logicalType']), asText(b.node['logicalType']), path, at('logicalType'), emit);
  diffPhysicalType(asText(a.node['physicalType']), asText(b.node['physicalType']), path, at('physicalType'), emit);
  diffFlags(a.node, b.node, path, at, emit);
  diffOptions(a.node['logicalTypeOptions'], b.node['logicalTypeOptions'], `${path}.logicalTypeOptions`, [...b.raw, 'logicalTypeOptions'], emit);
  diffClassification(a.node['classification'], b.node['classification'], path, b.raw, emit);
  diffQuality(a.node['quality'], b.node['quality'], path, a.raw, b.raw, emit);
  diffMetadata(a.node, b.node, HANDLED, path, b.raw, emit);
  diffProperties(a.node['properties'], b.node['properties'], path, a.raw, b.raw, emit);
  const itemsA = a.node['items'];
  const itemsB = b.node['items'];
  if (itemsA !== undefined || itemsB !== undefined) {
    diffProperty(
      { node: (itemsA ?? {}) as Obj, raw: [...a.raw, 'items'] },
      { node: (itemsB ?? {}) as Obj, raw: [...b.raw, 'items'] },
      `${path}.items`,
      emit,
    );
  }
}

function diffLogicalType(before: string | undefined, after: string | undefined, path: string, where: { raw: RawPath; side: 'after' }, emit: Emit): void {
  if (before === after) return;
  const p = `${path}.logicalType`;
  if (after === undefined) {
    emit({ code: 'TYPE_WIDENED', impact: 'non-breaking', path: p, message: `logicalType ${show(before)} removed: any value is accepted`, before, ...where });
  } else if (before !== undefined && isLogicalWidening(before, after)) {
    emit({ code: 'TYPE_WIDENED', impact: 'non-breaking', path: p, message: `logicalType widened from ${show(before)} to ${show(after)}`, before, after, ...where });
  } else {
    const was = before === undefined ? 'any value' : show(before);
    emit({ code: 'TYPE_CHANGED', impact: 'breaking', path: p, message: `logicalType changed from ${was} to ${show(after)}: existing values may no longer fit`, before, after, ...where });
  }
}

function diffPhysicalType(before: string | undefined, after: string | undefined, path: string, where: { raw: RawPath; side: 'after' }, emit: Emit): void {
  if (before === after) return;
  const p = `${path}.physicalType`;
  if (before === undefined || after === undefined) {
    const what = before === undefined ? `set to ${show(after)}` : `removed (was ${show(before)})`;
    emit({ code: 'METADATA_CHANGED', impact: 'non-breaking', path: p, message: `physicalType ${what}`, before, after, ...where });
  } else if (samePhysicalType(before, after)) {
    return;
  } else if (isPhysicalWidening(before, after)) {
    emit({ code: 'TYPE_WIDENED', impact: 'non-breaking', path: p, message: `physicalType widened from ${show(before)} to ${show(after)}`, before, after, ...where });
  } else {
    emit({ code: 'TYPE_CHANGED', impact: 'breaking', path: p, message: `physicalType changed from ${show(before)} to ${show(after)}: the stored values may not fit`, before, after, ...where });
  }
}

function diffFlags(a: Obj, b: Obj, path: string, at: (key: string) => { raw: RawPath; side: 'after' }, emit: Emit): void {
  const reqA = isTrue(a['required']);
  const reqB = isTrue(b['required']);
  if (!reqA && reqB) emit({ code: 'REQUIRED_ADDED', impact: 'breaking', path: `${path}.required`, message: 'field became required: records with a null or missing value will be rejected', before: a['required'], after: true, ...at('required') });
  if (reqA && !reqB) emit({ code: 'REQUIRED_REMOVED', impact: 'non-breaking', path: `${path}.required`, message: 'field is no longer required: readers may now see nulls', before: true, after: b['required'], ...at('required') });
  const uniqA = isTrue(a['unique']);
  const uniqB = isTrue(b['unique']);
  if (!uniqA && uniqB) emit({ code: 'UNIQUE_ADDED', impact: 'breaking', path: `${path}.unique`, message: 'field became unique: duplicate values will be rejected', before: a['unique'], after: true, ...at('unique') });
  if (uniqA && !uniqB) emit({ code: 'UNIQUE_REMOVED', impact: 'non-breaking', path: `${path}.unique`, message: 'field is no longer unique: readers may now see duplicates', before: true, after: b['unique'], ...at('unique') });
  const pkA = isTrue(a['primaryKey']);
  const pkB = isTrue(b['primaryKey']);
  const posChanged = pkA && pkB && (a['primaryKeyPosition'] ?? -1) !== (b['primaryKeyPosition'] ?? -1);
  if (pkA !== pkB || posChanged) {
    const what = pkA !== pkB ? (pkB ? 'field joined the primary key' : 'field left the primary key') : `primary key position changed from ${show(a['primaryKeyPosition'])} to ${show(b['primaryKeyPosition'])}`;
    emit({ code: 'PRIMARY_KEY_CHANGED', impact: 'breaking', path: `${path}.primaryKey`, message: `${what}: joins and deduplication on the key change meaning`, before: a['primaryKey'], after: b['primaryKey'], ...at(pkA !== pkB ? 'primaryKey' : 'primaryKeyPosition') });
  } else if (a['primaryKeyPosition'] !== b['primaryKeyPosition']) {
    emit({ code: 'METADATA_CHANGED', impact: 'non-breaking', path: `${path}.primaryKeyPosition`, message: `\`primaryKeyPosition\` changed from ${show(a['primaryKeyPosition'])} to ${show(b['primaryKeyPosition'])}`, before: a['primaryKeyPosition'], after: b['primaryKeyPosition'], ...at('primaryKeyPosition') });
  }
}

function fieldPath(path: string, e: Element): string {
  return `${path}.properties.${e.key}`;
}
