// RBAC: may this subject perform this action on this resource? Pure; the answer is data.
//
// Contract:
// - A role grants an action when its permissions list the action, `*`, or `herd.admin` (admin of a herd
//   implies every permission in that herd, and nowhere else).
// - The subject holds a role when one of its members is `github:<login>` or `github-team:<org>/<team>` for
//   one of the subject's teams, compared case-insensitively (GitHub logins and slugs are).
// - The first granting role in the herd file's order wins, so the answer is deterministic.
// - An action applies to one kind of resource (`pipelines.*` → pipeline, `contracts.*` → contract,
//   `secrets.*` → secret); asking for it on another kind is denied, as it is a caller mistake that must not
//   turn into access. `herd.admin` and `*` apply to every kind.
// - A herd that does not exist is `POLICY_UNKNOWN_HERD`, never a silent deny.
import { suggest } from '../common/suggest.ts';
import type { HerdSpec, Permission, RoleSpec } from '../contracts/desired-state.ts';
import { describeSubject, memberMatches, type Subject } from './subject.ts';

export type { Subject } from './subject.ts';

export type ResourceKind = 'pipeline' | 'contract' | 'secret' | 'herd';

export interface Resource {
  readonly herd: string;
  readonly kind: ResourceKind;
  readonly name?: string;
}

export type Decision =
  | { readonly allowed: true; readonly role: string; readonly herd: string }
  | { readonly allowed: false; readonly code: 'POLICY_DENIED' | 'POLICY_UNKNOWN_HERD'; readonly reason: string };

export function authorize(
  subject: Subject,
  action: Permission,
  resource: Resource,
  herds: Readonly<Record<string, HerdSpec>>,
): Decision {
  const herd = Object.hasOwn(herds, resource.herd) ? herds[resource.herd] : undefined;
  if (herd === undefined) return unknownHerd(subject, action, resource, herds);
  const what = describeResource(resource);
  const kind = actionKind(action);
  if (kind !== 'any' && kind !== resource.kind) {
    return {
      allowed: false,
      code: 'POLICY_DENIED',
      reason: `${describeSubject(subject)} may not ${action} on ${what}: ${action} applies to ${kind}s only, so no role grants it there`,
    };
  }
  const granting = herd.roles.filter((r) => roleGrants(r, action));
  const held = herd.roles.filter((r) => holds(r, subject));
  const role = granting.find((r) => holds(r, subject));
  if (role !== undefined) return { allowed: true, role: role.name, herd: herd.name };
  return { allowed: false, code: 'POLICY_DENIED', reason: denial(subject, action, what, herd, granting, held) };
}

/** Whether a role's permissions cover `action`. */
export function roleGrants(role: RoleSpec, action: Permission): boolean {
  return role.permissions.some((p) => p === action || p === '*' || p === 'herd.admin');
}

/** Whether the subject is one of the role's members. */
export function holds(role: RoleSpec, subject: Subject): boolean {
  return role.members.some((m) => memberMatches(m, subject));
}

function actionKind(action: Permission): ResourceKind | 'any' {
  switch (action) {
    case 'pipelines.read':
    case 'pipelines.write':
    case 'pipelines.run':
      return 'pipeline';
    case 'contracts.write':
    case 'contracts.approve':
      return 'contract';
    case 'secrets.read':
    case 'secrets.write':
      return 'secret';
    case 'herd.admin':
    case '*':
      return 'any';
  }
}

function describeResource(resource: Resource): string {
  if (resource.kind === 'herd') return `herd ${resource.herd}`;
  if (resource.name === undefined) return `${resource.kind}s in herd ${resource.herd}`;
  return `${resource.kind} ${resource.name} in herd ${resource.herd}`;
}

function denial(
  subject: Subject,
  action: Permission,
  what: string,
  herd: HerdSpec,
  granting: readonly RoleSpec[],
  held: readonly RoleSpec[],
): string {
  const who = describeSubject(subject);
  const has = held.length === 0 ? 'holds no role there' : `holds only ${names(held)}`;
  const fix =
    granting.length === 0
      ? `no role in herd ${herd.name} grants ${action}; add it to a role in ${herd.file}`
      : `roles that grant it: ${names(granting)}; ask to be added to one in ${herd.file}`;
  return `${who} may not ${action} on ${what}: ${subject.login} ${has}; ${fix}`;
}

function names(roles: readonly RoleSpec[]): string {
  return roles.map((r) => r.name).join(', ');
}

function unknownHerd(subject: Subject, action: Permission, resource: Resource, herds: Readonly<Record<string, HerdSpec>>): Decision {
  const known = Object.keys(herds).sort();
  const close = suggest(resource.herd, known);
  const hint = close !== undefined ? `did you mean ${close}?` : known.length === 0 ? 'no herds are defined' : `known herds: ${known.join(', ')}`;
  return {
    allowed: false,
    code: 'POLICY_UNKNOWN_HERD',
    reason: `${describeSubject(subject)} asked for ${action} on ${describeResource(resource)}, but that herd does not exist (${hint})`,
  };
}
