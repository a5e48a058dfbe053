// Test support for anything that starts Barn nodes (barn/node tests, test/barn-cluster, bench/barn): free
// loopback ports and polling until a condition holds.
//
// Ports are chosen at random below the kernel's ephemeral range (net.ipv4.ip_local_port_range, 32768–60999 by
// default), never with listen(0): a port from the ephemeral range, once released, can be handed by the kernel to
// any listen(0) (a fault proxy, another test file's server) or to the local end of an outgoing connection before
// the child process binds it — CI once failed with EADDRINUSE that way. Below the range only another caller of
// this allocator can take it; within a process a port is never handed out twice, and across the test runner's
// parallel processes a random pick among ~12,000 ports makes a clash unlikely (each pick is checked by binding).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** [low, high) outside the kernel's ephemeral range: below it when there is room, else above it. */
export function portWindow(rangeText: string): readonly [number, number] {
  const [first, last] = rangeText.trim().split(/\s+/).map(Number);
  if (first === undefined || last === undefined || !Number.isInteger(first) || !Number.isInteger(last)) return [20_000, 32_768];
  if (first >= 12_000) return [Math.max(10_000, first - 12_000), first];
  return [last + 1, 65_536];
}

function ephemeralRange(): string {
  try {
    return readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8');
  } catch {
    return '32768 60999';
  }
}

/** The window this machine's ports are chosen from. */
export const PORT_WINDOW = portWindow(ephemeralRange());
const [LOW, HIGH] = PORT_WINDOW;
const handedOut = new Set<number>();

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen({ port, host: '127.0.0.1', exclusive: true }, () => s.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if (await canBind(port)) return port;
  }
  throw new Error(`no free loopback port found between ${LOW} and ${HIGH - 1} after 500 tries`);
}

/** `n` distinct free ports. */
export async function freePorts(n: number): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < n; i++) ports.push(await freePort());
  return ports;
}

/** Polls fn (errors count as "not yet") until it returns a value, or throws after `ms` naming `what`. */
export async function until<T>(fn: () => Promise<T | undefined>, ms = 8000, what = 'the condition'): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
