// The well-known keys of Runink's domain in Barn (DESIGN §3). One tagged union, DomainKey, with a builder
// (domainKey) and its inverse (parseDomainKey): parseDomainKey(domainKey(k)) deep-equals k for every valid k.
//
//   /runink/applied-commit                       the commit the cluster runs (reconciler txns compare it)
//   /runink/pipelines/<pipeline>                 compiled pipeline spec
//   /runink/placements/<agent>/<scenario>        a slice placed on an agent (with its fencing revision)
//   /runink/agents/<agent>                       agent registration: capacity, labels, lease
//   /runink/runs/<scenario>/<run>                one run of a scenario
//   /runink/lineage/<run>/<seq>                  OpenLineage events of a run; seq zero-padded to 10 digits
//   /runink/verdicts/<commit>                    accepted/rejected verdict of a commit, with reasons
//   /runink/secrets/<herd>/<name>                a herd's secret
//
// Parts are single segments (no '/', no control characters, not '.' or '..'), except <scenario>, which is a
// compiled scenario id `<pipeline>/<scenario-slug>` (segments joined by '/'). Prefix helpers end in '/', so a
// prefix listing never matches a longer sibling (`/runink/agents/a1/` does not match agent `a10`).
import { RuninkError } from '../../common/error.ts';

export const RUNINK_ROOT = '/runink/';
export const APPLIED_COMMIT_KEY = '/runink/applied-commit';
const LINEAGE_SEQ_DIGITS = 10;

export const DOMAIN_PREFIXES = {
  pipelines: '/runink/pipelines/',
  placements: '/runink/placements/',
  agents: '/runink/agents/',
  runs: '/runink/runs/',
  lineage: '/runink/lineage/',
  verdicts: '/runink/verdicts/',
  secrets: '/runink/secrets/',
} as const;

export type DomainKey =
  | { readonly kind: 'applied-commit' }
  | { readonly kind: 'pipeline'; readonly pipeline: string }
  | { readonly kind: 'placement'; readonly agent: string; readonly scenario: string }
  | { readonly kind: 'agent'; readonly agent: string }
  | { readonly kind: 'run'; readonly scenario: string; readonly run: string }
  | { readonly kind: 'lineage'; readonly run: string; readonly seq: number }
  | { readonly kind: 'verdict'; readonly commit: string }
  | { readonly kind: 'secret'; readonly herd: string; readonly name: string };

/** The key of a domain object. Throws RuninkError BARN_INVALID_KEY for a part that is not a valid segment. */
export function domainKey(k: DomainKey): string {
  const P = DOMAIN_PREFIXES;
  switch (k.kind) {
    case 'applied-commit':
      return APPLIED_COMMIT_KEY;
    case 'pipeline':
      return P.pipelines + segment(k.pipeline);
    case 'placement':
      return `${P.placements}${segment(k.agent)}/${path(k.scenario)}`;
    case 'agent':
      return P.agents + segment(k.agent);
    case 'run':
      return `${P.runs}${path(k.scenario)}/${segment(k.run)}`;
    case 'lineage':
      return `${P.lineage}${segment(k.run)}/${seq(k.seq)}`;
    case 'verdict':
      return P.verdicts + segment(k.commit);
    case 'secret':
      return `${P.secrets}${segment(k.herd)}/${segment(k.name)}`;
  }
}

/** The domain object a key names, or undefined for any other key. */
export function parseDomainKey(key: string): DomainKey | undefined {
  if (key === APPLIED_COMMIT_KEY) return { kind: 'applied-commit' };
  const P = DOMAIN_PREFIXES;
  const kind = (Object.keys(P) as (keyof typeof P)[]).find((name) => key.startsWith(P[name]));
  if (kind === undefined) return undefined;
  const parts = key.slice(P[kind].length).split('/');
  if (!parts.every(isSegment)) return undefined;
  switch (kind) {
    case 'pipelines':
      return parts.length === 1 ? { kind: 'pipeline', pipeline: parts[0]! } : undefined;
    case 'agents':
      return parts.length === 1 ? { kind: 'agent', agent: parts[0]! } : undefined;
    case 'verdicts':
      return parts.length === 1 ? { kind: 'verdict', commit: parts[0]! } : undefined;
    case 'secrets':
      return parts.length === 2 ? { kind: 'secret', herd: parts[0]!, name: parts[1]! } : undefined;
    case 'placements':
      return parts.length >= 2 ? { kind: 'placement', agent: parts[0]!, scenario: parts.slice(1).join('/') } : undefined;
    case 'runs':
      return parts.length >= 2 ? { kind: 'run', scenario: parts.slice(0, -1).join('/'), run: parts.at(-1)! } : undefined;
    case 'lineage': {
      const digits = parts.length === 2 && parts[1]!.length === LINEAGE_SEQ_DIGITS && /^\d+$/.test(parts[1]!);
      const n = digits ? Number(parts[1]) : undefined;
      return n === undefined ? undefined : { kind: 'lineage', run: parts[0]!, seq: n };
    }
  }
}

/** Prefixes for listings: every placement of an agent, run of a scenario, lineage event of a run, secret of a herd. */
export const domainPrefix = {
  placementsOf: (agent: string): string => `${DOMAIN_PREFIXES.placements}${segment(agent)}/`,
  runsOf: (scenario: string): string => `${DOMAIN_PREFIXES.runs}${path(scenario)}/`,
  lineageOf: (run: string): string => `${DOMAIN_PREFIXES.lineage}${segment(run)}/`,
  secretsOf: (herd: string): string => `${DOMAIN_PREFIXES.secrets}${segment(herd)}/`,
};

function isSegment(part: string): boolean {
  if (part === '' || part === '.' || part === '..') return false;
  for (let i = 0; i < part.length; i++) {
    const c = part.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c === 0x2f) return false;
  }
  return true;
}

function segment(part: string): string {
  if (!isSegment(part)) throw new RuninkError('BARN_INVALID_KEY', `${JSON.stringify(part)} is not a valid key segment`, { part });
  return part;
}

function path(id: string): string {
  if (!id.split('/').every(isSegment)) throw new RuninkError('BARN_INVALID_KEY', `${JSON.stringify(id)} is not a valid key path`, { id });
  return id;
}

function seq(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0 || n >= 10 ** LINEAGE_SEQ_DIGITS) {
    throw new RuninkError('BARN_INVALID_KEY', `lineage seq ${n} is not an integer in [0, 10^${LINEAGE_SEQ_DIGITS})`, { seq: n });
  }
  return String(n).padStart(LINEAGE_SEQ_DIGITS, '0');
}
