// Data classification levels, least to most sensitive. Lowering a level (or removing it) means data may be
// shown or copied more widely than before: a warning that a reviewer should look at.
import { asText, type RawPath } from './contract-view.ts';
import { show, type Emit } from './change-sink.ts';

const RANK: Readonly<Record<string, number>> = {
  public: 0,
  unclassified: 0,
  internal: 1,
  private: 2,
  confidential: 2,
  sensitive: 2,
  restricted: 3,
  secret: 4,
  'highly-confidential': 4,
  'highly confidential': 4,
  'top-secret': 5,
  'top secret': 5,
};

export function classificationRank(value: string | undefined): number | undefined {
  if (value === undefined) return 0;
  return RANK[value.trim().toLowerCase()];
}

export function diffClassification(before: unknown, after: unknown, path: string, raw: RawPath, emit: Emit): void {
  const a = asText(before);
  const b = asText(after);
  if (a === b) return;
  const ra = classificationRank(a);
  const rb = classificationRank(b);
  const where = { path: `${path}.classification`, before: a, after: b, raw: [...raw, 'classification'], side: b === undefined ? ('before' as const) : ('after' as const) };
  if (ra === undefined || rb === undefined) {
    emit({ code: 'CLASSIFICATION_CHANGED', impact: 'warning', message: `classification changed from ${show(a)} to ${show(b)}; check who may now see the data`, ...where });
  } else if (rb < ra) {
    emit({ code: 'CLASSIFICATION_LOWERED', impact: 'warning', message: `classification lowered from ${show(a)} to ${show(b)}: the data may be shared more widely`, ...where });
  } else if (rb > ra) {
    emit({ code: 'CLASSIFICATION_RAISED', impact: 'non-breaking', message: `classification raised from ${show(a)} to ${show(b)}`, ...where });
  } else {
    emit({ code: 'CLASSIFICATION_CHANGED', impact: 'non-breaking', message: `classification renamed from ${show(a)} to ${show(b)} (same level)`, ...where });
  }
}
