// The slice's environment: an allowlist, never the launcher's environment. Pure.
//   PATH (fixed), LANG and TZ (ours or C.UTF-8 / UTC), NODE_OPTIONS (ours to set, never inherited), plus the
//   variables the caller passes explicitly. HOME and TMPDIR are added by sandbox-argv.ts (the scratch dir).
export const SLICE_PATH = '/usr/local/bin:/usr/bin:/bin';
export const SLICE_NODE_OPTIONS = '--no-deprecation';

export function sliceEnv(parent: Readonly<Record<string, string | undefined>>, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return {
    PATH: SLICE_PATH,
    LANG: parent['LANG'] ?? 'C.UTF-8',
    TZ: parent['TZ'] ?? 'UTC',
    NODE_OPTIONS: SLICE_NODE_OPTIONS,
    ...extra,
  };
}
