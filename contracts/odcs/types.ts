// The shape of a parsed ODCS contract as plain data (what YAML gives after validation). Only the keys Runink
// reads are typed; everything else is still there (index signatures), since the document is kept unmodified.
// Types are loose on purpose (optional everywhere the standard is): validate first, then read.

export interface OdcsCustomProperty {
  readonly id?: string;
  readonly property: string;
  readonly value: unknown;
  readonly description?: string;
}

export interface OdcsAuthoritativeDefinition {
  readonly id?: string;
  readonly url: string;
  readonly type: string;
  readonly description?: string;
}

export type OdcsQualityType = 'text' | 'library' | 'sql' | 'custom';

export interface OdcsQuality {
  readonly id?: string;
  readonly name?: string;
  readonly description?: string;
  readonly type?: OdcsQualityType;
  readonly dimension?: string;
  readonly severity?: string;
  readonly metric?: string;
  /** v3.0 name of the metric. */
  readonly rule?: string;
  readonly arguments?: Readonly<Record<string, unknown>>;
  readonly query?: string;
  readonly engine?: string;
  readonly implementation?: string | Readonly<Record<string, unknown>>;
  readonly unit?: string;
  readonly mustBe?: unknown;
  readonly mustNotBe?: unknown;
  readonly mustBeGreaterThan?: number;
  readonly mustBeGreaterOrEqualTo?: number;
  readonly mustBeLessThan?: number;
  readonly mustBeLessOrEqualTo?: number;
  readonly mustBeBetween?: readonly [number, number];
  readonly mustNotBeBetween?: readonly [number, number];
  readonly [key: string]: unknown;
}

export interface OdcsRelationship {
  readonly type?: 'foreignKey';
  /** Absent at property level (the property is the source). */
  readonly from?: string | readonly string[];
  readonly to: string | readonly string[];
  readonly customProperties?: readonly OdcsCustomProperty[];
}

export type OdcsLogicalType = 'string' | 'date' | 'timestamp' | 'time' | 'number' | 'integer' | 'object' | 'array' | 'boolean';

export interface OdcsProperty {
  readonly id?: string;
  /** Required on properties; absent on array `items`. */
  readonly name?: string;
  readonly businessName?: string;
  readonly description?: string;
  readonly logicalType?: OdcsLogicalType;
  readonly logicalTypeOptions?: Readonly<Record<string, unknown>>;
  readonly physicalType?: string;
  readonly physicalName?: string;
  readonly required?: boolean;
  readonly unique?: boolean;
  readonly primaryKey?: boolean;
  readonly primaryKeyPosition?: number;
  readonly partitioned?: boolean;
  readonly partitionKeyPosition?: number;
  readonly classification?: string;
  readonly criticalDataElement?: boolean;
  readonly examples?: readonly unknown[];
  readonly tags?: readonly string[];
  readonly quality?: readonly OdcsQuality[];
  readonly relationships?: readonly OdcsRelationship[];
  /** The element of an array property. */
  readonly items?: OdcsProperty;
  /** The fields of an object property. */
  readonly properties?: readonly OdcsProperty[];
  readonly customProperties?: readonly OdcsCustomProperty[];
  readonly authoritativeDefinitions?: readonly OdcsAuthoritativeDefinition[];
  readonly [key: string]: unknown;
}

export interface OdcsSchemaObject {
  readonly id?: string;
  readonly name: string;
  readonly businessName?: string;
  readonly description?: string;
  readonly logicalType?: 'object';
  readonly physicalType?: string;
  readonly physicalName?: string;
  readonly properties?: readonly OdcsProperty[];
  readonly relationships?: readonly OdcsRelationship[];
  readonly quality?: readonly OdcsQuality[];
  readonly tags?: readonly string[];
  readonly customProperties?: readonly OdcsCustomProperty[];
  readonly [key: string]: unknown;
}

export interface OdcsRole {
  readonly id?: string;
  readonly role: string;
  readonly description?: string;
  readonly access?: string;
  readonly firstLevelApprovers?: string;
  readonly secondLevelApprovers?: string;
  readonly customProperties?: readonly OdcsCustomProperty[];
}

export interface OdcsTeamMember {
  readonly username: string;
  readonly name?: string;
  readonly role?: string;
  readonly dateIn?: string;
  readonly dateOut?: string;
  readonly [key: string]: unknown;
}

export interface OdcsTeam {
  readonly name?: string;
  readonly description?: string;
  readonly members?: readonly OdcsTeamMember[];
  readonly [key: string]: unknown;
}

export interface OdcsServer {
  readonly server: string;
  readonly type: string;
  readonly environment?: string;
  readonly [key: string]: unknown;
}

export interface OdcsSlaProperty {
  readonly property: string;
  readonly value: string | number | boolean | null;
  readonly unit?: string;
  readonly element?: string;
  readonly [key: string]: unknown;
}

export interface OdcsDocument {
  readonly apiVersion: 'v3.0.0' | 'v3.0.1' | 'v3.0.2' | 'v3.1.0';
  readonly kind: 'DataContract';
  readonly id: string;
  readonly version: string;
  readonly status: string;
  readonly name?: string;
  readonly tenant?: string;
  readonly domain?: string;
  readonly dataProduct?: string;
  readonly description?: Readonly<Record<string, unknown>>;
  readonly tags?: readonly string[];
  readonly servers?: readonly OdcsServer[];
  readonly schema?: readonly OdcsSchemaObject[];
  readonly support?: readonly Readonly<Record<string, unknown>>[];
  readonly price?: Readonly<Record<string, unknown>>;
  /** An object with `members` (v3.1), or the deprecated bare member list (v3.0). */
  readonly team?: OdcsTeam | readonly OdcsTeamMember[];
  readonly roles?: readonly OdcsRole[];
  readonly slaProperties?: readonly OdcsSlaProperty[];
  readonly authoritativeDefinitions?: readonly OdcsAuthoritativeDefinition[];
  readonly customProperties?: readonly OdcsCustomProperty[];
  readonly contractCreatedTs?: string;
  readonly [key: string]: unknown;
}

/** Names of the schema objects (datasets, tables, topics) a contract describes, in file order. */
export function datasetsOf(doc: OdcsDocument): string[] {
  return (doc.schema ?? []).map((o) => o.name);
}

/** The schema object named `name`, if the contract describes it. */
export function schemaObjectOf(doc: OdcsDocument, name: string): OdcsSchemaObject | undefined {
  return (doc.schema ?? []).find((o) => o.name === name);
}

/** The top-level properties of a schema object (or the fields of an object property), in file order. */
export function propertiesOf(object: OdcsSchemaObject | OdcsProperty): readonly OdcsProperty[] {
  return object.properties ?? [];
}

/** Team members whatever the form (`team.members` or the deprecated bare list). */
export function teamMembersOf(doc: OdcsDocument): readonly OdcsTeamMember[] {
  const team = doc.team;
  if (team === undefined) return [];
  return Array.isArray(team) ? (team as readonly OdcsTeamMember[]) : ((team as OdcsTeam).members ?? []);
}
