// ODCS schema → OpenLineage `schema` dataset facet (SchemaDatasetFacet 1-2-0). Field type is the ODCS
// `logicalType` (else `physicalType`); object properties become nested `fields`, and an array's element is a
// nested field named `_element` (the convention of OpenLineage's Spark integration). Pure.
import type { OdcsDocument, OdcsProperty, OdcsSchemaObject } from '../../contracts/odcs/types.ts';
import { facet } from './facet-urls.ts';
import type { BaseFacet } from './openlineage-types.ts';

export interface SchemaField {
  readonly name: string;
  readonly type?: string;
  readonly description?: string;
  readonly ordinal_position?: number;
  readonly fields?: readonly SchemaField[];
}

/** The schema object of `doc` a dataset at `path` is governed by: the only one, else the one whose
 * `physicalName` or `name` matches the path (without extension), else the first. */
export function schemaObjectFor(doc: OdcsDocument, path: string | undefined): OdcsSchemaObject | undefined {
  const objects = doc.schema ?? [];
  if (objects.length <= 1 || path === undefined) return objects[0];
  const stem = path.replace(/\.[a-z0-9]+$/i, '');
  const base = stem.slice(stem.lastIndexOf('/') + 1);
  return (
    objects.find((o) => o.physicalName !== undefined && (o.physicalName === stem || stem.endsWith(`/${o.physicalName}`))) ??
    objects.find((o) => o.name === base) ??
    objects[0]
  );
}

export function schemaFields(object: OdcsSchemaObject): SchemaField[] {
  return (object.properties ?? []).map((p, i) => field(p, p.name ?? `_${i + 1}`, i + 1));
}

function field(p: OdcsProperty, name: string, position: number | undefined): SchemaField {
  const type = p.logicalType ?? p.physicalType;
  const nested =
    p.logicalType === 'array' && p.items !== undefined
      ? [field(p.items, '_element', undefined)]
      : p.properties !== undefined && p.properties.length > 0
        ? p.properties.map((c, i) => field(c, c.name ?? `_${i + 1}`, i + 1))
        : undefined;
  return {
    name,
    ...(type === undefined ? {} : { type }),
    ...(typeof p.description === 'string' ? { description: p.description } : {}),
    ...(position === undefined ? {} : { ordinal_position: position }),
    ...(nested === undefined ? {} : { fields: nested }),
  };
}

export function schemaFacet(producer: string, object: OdcsSchemaObject): BaseFacet {
  return facet('SchemaDatasetFacet', producer, { fields: schemaFields(object) });
}

/** `documentation` dataset facet from the schema object's (or the contract's) description, when there is one. */
export function datasetDocumentationFacet(producer: string, doc: OdcsDocument, object: OdcsSchemaObject | undefined): BaseFacet | undefined {
  const purpose = doc.description?.['purpose'];
  const text = typeof object?.description === 'string' ? object.description : typeof purpose === 'string' ? purpose : undefined;
  return text === undefined ? undefined : facet('DocumentationDatasetFacet', producer, { description: text, contentType: 'text/plain' });
}
