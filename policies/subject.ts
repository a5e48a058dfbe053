// Who is acting, and how a role member or approver string names them.
// A Subject is what GitHub tells us about a person: their login and the teams (`org/team` slugs) they belong
// to. Role members and approvers are written as `github:<login>` or `github-team:<org>/<team>`. GitHub logins,
// org names and team slugs are case-insensitive, so every comparison here is too. Pure.

export interface Subject {
  /** GitHub login, e.g. `alice`. */
  readonly login: string;
  /** Team slugs with their org, e.g. `acme/data-eng`. */
  readonly teams: readonly string[];
}

/** A parsed member reference. `invalid` keeps the text so callers can say what was wrong. */
export type MemberRef =
  | { readonly kind: 'user'; readonly login: string }
  | { readonly kind: 'team'; readonly org: string; readonly team: string }
  | { readonly kind: 'invalid'; readonly text: string };

// GitHub's rules: alphanumerics and single hyphens, no leading/trailing hyphen, at most 39 characters.
const LOGIN = /^[a-z\d](?:[a-z\d]|-(?=[a-z\d])){0,38}$/i;
// Team slugs are lowercase words joined by hyphens; accept underscores and dots too (older slugs).
const TEAM = /^[a-z\d](?:[a-z\d._-]{0,98}[a-z\d])?$/i;

export function parseMember(text: string): MemberRef {
  const s = text.trim();
  if (s.startsWith('github:')) {
    const login = s.slice('github:'.length);
    return LOGIN.test(login) ? { kind: 'user', login: login.toLowerCase() } : { kind: 'invalid', text };
  }
  if (s.startsWith('github-team:')) {
    const [org, team, ...rest] = s.slice('github-team:'.length).split('/');
    if (org === undefined || team === undefined || rest.length > 0 || !LOGIN.test(org) || !TEAM.test(team)) {
      return { kind: 'invalid', text };
    }
    return { kind: 'team', org: org.toLowerCase(), team: team.toLowerCase() };
  }
  return { kind: 'invalid', text };
}

/** Whether `member` (a `github:`/`github-team:` string) names this subject. Invalid members match nobody. */
export function memberMatches(member: string, subject: Subject): boolean {
  const ref = parseMember(member);
  switch (ref.kind) {
    case 'user':
      return ref.login === subject.login.trim().toLowerCase();
    case 'team': {
      const slug = `${ref.org}/${ref.team}`;
      return subject.teams.some((t) => t.trim().toLowerCase() === slug);
    }
    case 'invalid':
      return false;
  }
}

// ODCS approver fields are free text ("Reporting Manager", "na"); these mean "nobody".
const NOBODY = new Set(['na', 'n/a', 'none', 'null', 'nobody', 'tbd', '-']);

/**
 * Turns a free-text approver name into a subject string, or undefined when it names no GitHub identity:
 * `github:`/`github-team:` strings are kept (if valid), a bare login becomes `github:<login>`, a bare
 * `org/team` becomes `github-team:org/team`. Text with spaces ("Reporting Manager") and placeholders
 * ("na", "n/a", "none", "tbd", "-") name nobody.
 */
export function normalizeApprover(text: string): string | undefined {
  const s = text.trim();
  if (s === '' || NOBODY.has(s.toLowerCase())) return undefined;
  const candidate = s.startsWith('github:') || s.startsWith('github-team:') ? s : s.includes('/') ? `github-team:${s}` : `github:${s}`;
  return parseMember(candidate).kind === 'invalid' ? undefined : candidate;
}

/** `alice (teams acme/data-eng, acme/ops)` — how reasons name a subject. */
export function describeSubject(subject: Subject): string {
  const teams = subject.teams.length === 0 ? 'no teams' : `teams ${subject.teams.join(', ')}`;
  return `github:${subject.login} (${teams})`;
}
