// Contract `version` handling for the "breaking change needs a major bump" rule.
import { asText } from './contract-view.ts';

/** Major number of a version like `1.2.0`, `v2`, `2.0.0-rc.1` or `3`; undefined when it is not one. */
export function parseMajor(version: unknown): number | undefined {
  const text = asText(version)?.trim();
  if (text === undefined) return undefined;
  const m = /^[vV]?(\d+)(?:\.\d+){0,2}(?:[-+][0-9A-Za-z.+-]*)?$/.exec(text);
  return m === null ? undefined : Number(m[1]);
}

/**
 * True when the major version did not increase. An unparseable (or missing) version on either side counts
 * as a missing bump: a reviewer must fix the version before a breaking change is accepted.
 */
export function majorNotBumped(before: unknown, after: unknown): boolean {
  const a = parseMajor(before);
  const b = parseMajor(after);
  return a === undefined || b === undefined || b <= a;
}

/** `2.0.0` for `1.4.2`: the version a breaking change should carry; undefined when unparseable. */
export function nextMajor(version: unknown): string | undefined {
  const major = parseMajor(version);
  return major === undefined ? undefined : `${major + 1}.0.0`;
}
