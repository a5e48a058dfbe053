// diffContracts: compares two parsed versions of one ODCS contract and classifies every change as
// breaking, warning or non-breaking. Pure: the caller parses the files and may pass locators (e.g.
// YamlSource.locate from contracts/yaml-source.ts) to get line/col — the new file's position for most
// changes, the old file's for removals.
import type { ChangeImpact, ContractChange, ContractDiff } from '../contract-change.ts';
import { asObject, asText, schemaObjects, type Obj } from './contract-view.ts';
import type { Emit, FoundChange } from './change-sink.ts';
import { matchElements } from './match-elements.ts';
import { diffProperties } from './property-diff.ts';
import { diffQuality } from './quality-diff.ts';
import { diffMetadata } from './metadata-diff.ts';
import { majorNotBumped } from './version.ts';

export type Locate = (path: (string | number)[]) => { line: number; col: number };

export interface DiffOptions {
  readonly locateAfter?: Locate;
  readonly locateBefore?: Locate;
}

/** Top-level keys handled elsewhere: `schema` is walked, `version` is summarised in the diff itself. */
const TOP_HANDLED = new Set(['schema', 'version']);
const OBJECT_HANDLED = new Set(['name', 'id', 'properties', 'quality', 'logicalType']);

export function diffContracts(before: Record<string, unknown>, after: Record<string, unknown>, opts: DiffOptions = {}): ContractDiff {
  const found: FoundChange[] = [];
  const emit: Emit = (c) => found.push(c);
  const a = asObject(before) ?? {};
  const b = asObject(after) ?? {};
  diffMetadata(a, b, TOP_HANDLED, '', [], emit);
  diffSchemaObjects(a, b, emit);
  const changes = found.map((c) => locate(c, opts)).sort(byPathThenCode);
  const verdict = summarise(changes);
  return {
    changes,
    verdict,
    versionBefore: asText(a['version']) ?? '',
    versionAfter: asText(b['version']) ?? '',
    missingMajorBump: verdict === 'breaking' && majorNotBumped(a['version'], b['version']),
  };
}

function diffSchemaObjects(a: Obj, b: Obj, emit: Emit): void {
  const m = matchElements(schemaObjects(a), schemaObjects(b));
  for (const o of m.removed) {
    emit({ code: 'OBJECT_REMOVED', impact: 'breaking', path: `schema.${o.key}`, message: `schema object \`${o.key}\` was removed: pipelines reading it break`, before: o.key, raw: o.raw, side: 'before' });
  }
  for (const o of m.added) {
    emit({ code: 'OBJECT_ADDED', impact: 'non-breaking', path: `schema.${o.key}`, message: `schema object \`${o.key}\` was added`, after: o.key, raw: o.raw, side: 'after' });
  }
  for (const [x, y] of m.renamed) {
    emit({ code: 'OBJECT_RENAMED', impact: 'breaking', path: `schema.${x.key}`, message: `schema object \`${x.key}\` was renamed to \`${y.key}\` (same id \`${x.id}\`): pipelines naming it break`, before: x.key, after: y.key, raw: y.raw, side: 'after' });
  }
  for (const [x, y] of [...m.same, ...m.renamed]) {
    const path = `schema.${y.key}`;
    diffProperties(x.node['properties'], y.node['properties'], path, x.raw, y.raw, emit);
    diffQuality(x.node['quality'], y.node['quality'], path, x.raw, y.raw, emit);
    diffMetadata(x.node, y.node, OBJECT_HANDLED, path, y.raw, emit);
  }
}

function locate(c: FoundChange, opts: DiffOptions): ContractChange {
  const out: { -readonly [K in keyof ContractChange]: ContractChange[K] } = { code: c.code, impact: c.impact, path: c.path, message: c.message };
  if (c.before !== undefined) out.before = c.before;
  if (c.after !== undefined) out.after = c.after;
  const locator = c.side === 'before' ? opts.locateBefore : opts.locateAfter;
  if (locator !== undefined) {
    const at = locator([...c.raw] as (string | number)[]);
    out.line = at.line;
    out.col = at.col;
  }
  return out;
}

function summarise(changes: readonly ContractChange[]): ChangeImpact | 'unchanged' {
  if (changes.length === 0) return 'unchanged';
  if (changes.some((c) => c.impact === 'breaking')) return 'breaking';
  if (changes.some((c) => c.impact === 'warning')) return 'warning';
  return 'non-breaking';
}

/** Stable order: by path, then code, then message (so golden files never depend on walk order). */
function byPathThenCode(x: ContractChange, y: ContractChange): number {
  return cmp(x.path, y.path) || cmp(x.code, y.code) || cmp(x.message, y.message);
}

function cmp(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}
