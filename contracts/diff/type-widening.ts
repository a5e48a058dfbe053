// Which type changes are "clearly widening": every value valid under the old type is still valid (and
// means the same) under the new one. Anything not recognised here is treated as a breaking type change.

/** Logical types: only integer → number widens (every integer is a number). */
export function isLogicalWidening(before: string, after: string): boolean {
  return before === 'integer' && after === 'number';
}

interface PhysicalType {
  readonly base: string;
  readonly args: readonly number[];
  /** True when the type had no parenthesised arguments. */
  readonly bare: boolean;
}

/** `VARCHAR (10)` → { base: 'varchar', args: [10] }; case and spacing do not matter. */
export function parsePhysicalType(text: string): PhysicalType | undefined {
  const m = /^([a-z_][a-z0-9_ ]*?)\s*(?:\(\s*([0-9\s,]*)\s*\))?$/.exec(text.trim().toLowerCase().replace(/\s+/g, ' '));
  if (m === null) return undefined;
  const args = m[2] === undefined ? [] : m[2].split(',').map((s) => Number(s.trim()));
  if (args.some((n) => !Number.isInteger(n))) return undefined;
  return { base: BASE_ALIASES[m[1]!] ?? m[1]!, args, bare: m[2] === undefined };
}

/** Physical type texts that denote the same type after normalising case, spacing and aliases. */
export function samePhysicalType(before: string, after: string): boolean {
  const a = parsePhysicalType(before);
  const b = parsePhysicalType(after);
  if (a === undefined || b === undefined) return before.trim() === after.trim();
  return a.base === b.base && a.bare === b.bare && a.args.join(',') === b.args.join(',');
}

export function isPhysicalWidening(before: string, after: string): boolean {
  const a = parsePhysicalType(before);
  const b = parsePhysicalType(after);
  if (a === undefined || b === undefined) return false;
  const ia = INTEGER_RANK[a.base];
  const ib = INTEGER_RANK[b.base];
  if (ia !== undefined && ib !== undefined) return ib >= ia;
  const fa = FLOAT_RANK[a.base];
  const fb = FLOAT_RANK[b.base];
  if (fa !== undefined && fb !== undefined) return fb >= fa;
  if (STRINGS.has(a.base) && STRINGS.has(b.base)) return stringWidens(a, b);
  if (a.base === 'decimal' && b.base === 'decimal') return decimalWidens(a.args, b.args);
  return false;
}

/** varchar(10) → varchar(20), varchar(n) → varchar / text / string (unbounded). */
function stringWidens(a: PhysicalType, b: PhysicalType): boolean {
  const lenA = a.args[0];
  const lenB = b.args[0];
  if (lenB === undefined) return true;
  if (lenA === undefined) return false;
  return lenB >= lenA;
}

/** decimal(p,s) → decimal(p2,s2) keeps every value when neither integer digits nor scale shrink. */
function decimalWidens(a: readonly number[], b: readonly number[]): boolean {
  const [pa = 38, sa = 0] = a;
  const [pb = 38, sb = 0] = b;
  return sb >= sa && pb - sb >= pa - sa;
}

const BASE_ALIASES: Readonly<Record<string, string>> = {
  integer: 'int',
  int4: 'int',
  int2: 'smallint',
  int8: 'bigint',
  long: 'bigint',
  short: 'smallint',
  byte: 'tinyint',
  'character varying': 'varchar',
  'char varying': 'varchar',
  nvarchar: 'varchar',
  varchar2: 'varchar',
  numeric: 'decimal',
  number: 'decimal',
  float4: 'real',
  float8: 'double',
  'double precision': 'double',
};

const INTEGER_RANK: Readonly<Record<string, number>> = { tinyint: 1, smallint: 2, mediumint: 3, int: 4, bigint: 5 };
const FLOAT_RANK: Readonly<Record<string, number>> = { real: 1, float: 1, double: 2 };
const STRINGS = new Set(['varchar', 'string', 'text']);
