// The policies' error catalogue: every stable code policies/ produces, with what it means. The CLI and the
// HTTP API map these codes to exit codes and statuses in their one place each; messages carry the details.

export const POLICY_CODES = {
  /** authorize(): the subject holds no role in the herd granting the action (or the action does not apply to
   * that kind of resource). HTTP 403. */
  POLICY_DENIED: 'permission denied by the herd roles',
  /** authorize() and admit(): a resource or scenario names a herd the state does not define. */
  POLICY_UNKNOWN_HERD: 'the herd does not exist',
  /** admit(): the herd's scenarios together need more cpu, memory or slices than its quota. */
  POLICY_QUOTA_EXCEEDED: 'the herd quota is exceeded',
} as const;

export type PolicyCode = keyof typeof POLICY_CODES;
