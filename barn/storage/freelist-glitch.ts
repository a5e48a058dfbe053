// lmdb-js 3.5.6's freelist glitch, and trying a write transaction again when it strikes.
//
// Its own freelist code (`mdb_freelist_save` in its fork of mdb.c) reads a freelist record with a cursor and
// checks the record's size BEFORE it checks whether the cursor found one, so when none is found (which it treats
// as fine just below) the check reads the size of an uninitialised value and, when that happens to be 0, fails
// the commit with MDB_BAD_TXN "reserved freelist had a data entry with zero-size". Seen about once in 45 runs of
// 3 nodes × 64 writes in flight, always in a write-back right after a snapshot (docs/barn-storage.md, "Known
// issue"). LMDB aborts the transaction, so the env is as it was before it.

/** Attempts in all (the first one included). */
export const FREELIST_ATTEMPTS = 3;

export function isFreelistGlitch(e: unknown): boolean {
  return e instanceof Error && e.message.includes('reserved freelist had a data entry with zero-size');
}

/** Runs `transaction` and, while it fails with the glitch, again, up to FREELIST_ATTEMPTS times in all, warning
 * each time (`onRetry` counts). Only for a transaction whose failure leaves memory as it was, so that running it
 * again is the same as running it later; any other error is thrown at once. */
export function retryFreelistGlitch<T>(what: string, transaction: () => T, onRetry: () => void): T {
  for (let attempt = 1; ; attempt++) {
    try {
      return transaction();
    } catch (e) {
      if (attempt >= FREELIST_ATTEMPTS || !isFreelistGlitch(e)) throw e;
      onRetry();
      process.emitWarning(`${what} failed (${(e as Error).message.trim()}); trying again (attempt ${attempt + 1} of ${FREELIST_ATTEMPTS})`, { code: 'BARN_STORAGE_WRITE_BACK_RETRIED' });
    }
  }
}
