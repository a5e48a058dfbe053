// Run ids: UUID version 7 (RFC 9562), a 48-bit millisecond timestamp then random bits, so ids sort by start
// time. Pure: time and randomness are injected.
import type { Clock } from '../../common/clock.ts';
import type { Rng } from '../../common/rng.ts';

export function uuidV7(ms: number, rng: Rng): string {
  const bytes = new Uint8Array(16);
  let t = Math.max(0, Math.floor(ms));
  for (let i = 5; i >= 0; i--) {
    bytes[i] = t % 256;
    t = Math.floor(t / 256);
  }
  for (let i = 6; i < 16; i++) bytes[i] = rng.int(256);
  bytes[6] = 0x70 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** An id function for runs: `newRunId()` → a fresh UUIDv7 at the clock's time. */
export function runIdFactory(clock: Clock, rng: Rng): () => string {
  return () => uuidV7(clock.now(), rng);
}
