// Keys that document rather than constrain data (descriptions, tags, team, servers, ...). Changes are
// non-breaking, except a renamed physical table/column (a warning: SQL readers of the source notice).
import type { ChangeImpact } from '../contract-change.ts';
import { asObject, sameValue, type RawPath } from './contract-view.ts';
import { show, type Emit } from './change-sink.ts';

const CODES: Readonly<Record<string, { code: string; impact: ChangeImpact }>> = {
  description: { code: 'DESCRIPTION_CHANGED', impact: 'non-breaking' },
  businessName: { code: 'DESCRIPTION_CHANGED', impact: 'non-breaking' },
  status: { code: 'STATUS_CHANGED', impact: 'non-breaking' },
  team: { code: 'TEAM_CHANGED', impact: 'non-breaking' },
  roles: { code: 'ROLES_CHANGED', impact: 'non-breaking' },
  physicalName: { code: 'PHYSICAL_NAME_CHANGED', impact: 'warning' },
};

/** Emits one change per differing key of `before`/`after` that is not in `handled`. */
export function diffMetadata(before: unknown, after: unknown, handled: ReadonlySet<string>, path: string, raw: RawPath, emit: Emit): void {
  const a = asObject(before) ?? {};
  const b = asObject(after) ?? {};
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !handled.has(k)).sort();
  for (const key of keys) {
    const va = a[key];
    const vb = b[key];
    if (sameValue(va, vb)) continue;
    const { code, impact } = CODES[key] ?? { code: 'METADATA_CHANGED', impact: 'non-breaking' as const };
    const what = va === undefined ? `added (${show(vb)})` : vb === undefined ? `removed (was ${show(va)})` : `changed from ${show(va)} to ${show(vb)}`;
    const note = code === 'PHYSICAL_NAME_CHANGED' ? '; readers of the physical source must follow the rename' : '';
    emit({
      code,
      impact,
      path: path === '' ? key : `${path}.${key}`,
      message: `\`${key}\` ${what}${note}`,
      before: va,
      after: vb,
      raw: [...raw, key],
      side: vb === undefined ? 'before' : 'after',
    });
  }
}
