// Size limits of commands, checked when a command is decoded or validated — the same on every replica, so
// every replica accepts or refuses an entry alike. Re-exported by commands.ts.

/** Largest key: 1 KiB of UTF-8. */
export const MAX_KEY_BYTES = 1024;
/** Largest value: 1 MiB of encoded JSON (UTF-8). Larger values are refused with BARN_VALUE_TOO_LARGE. */
export const MAX_VALUE_BYTES = 1024 * 1024;
/** Largest encoded command (any type): BARN_COMMAND_TOO_LARGE. */
export const MAX_COMMAND_BYTES = 2 * 1024 * 1024;
/** Most compares, and most ops per branch, in one txn: BARN_TOO_MANY_OPS. */
export const MAX_TXN_OPS = 128;
/** Deepest nesting of arrays/objects in a value (bounds the recursion of compares and copies). */
export const MAX_VALUE_DEPTH = 64;
