// Bearer-token checks. Every request but /healthz needs `Authorization: Bearer <token>`; peer routes (/raft/…)
// need the cluster token. Comparison is constant-time.
import { timingSafeEqual } from 'node:crypto';

export function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

export function tokenMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined || expected === '') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
