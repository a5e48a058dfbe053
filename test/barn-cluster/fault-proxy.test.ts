// The link proxies on a loopback echo server: traffic flows, a partition cuts it (black hole: silence; reset:
// an error), heal restores it, and only the links of the partitioned node are cut.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createConnection, createServer, type Server } from 'node:net';
import { FaultNetwork } from './fault-proxy.ts';

/** Sends `text` to port and resolves with the echo, 'error', or 'silence' after 300 ms. */
function exchange(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (v: string): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done('silence'), 300);
    socket.on('error', () => done('error'));
    socket.on('close', () => done('error'));
    socket.on('data', (d: Buffer) => done(d.toString()));
    socket.write(text);
  });
}

async function echoServers(n: number): Promise<Server[]> {
  return Promise.all(Array.from({ length: n }, () => new Promise<Server>((resolve) => {
    const s = createServer((c) => {
      c.on('error', () => undefined); // the proxy resets its side on partition
      c.pipe(c);
    });
    s.listen(0, '127.0.0.1', () => resolve(s));
  })));
}

test('a partition cuts only the links of its node, in both directions, until heal', async (t) => {
  const servers = await echoServers(3);
  const ids = ['a', 'b', 'c'];
  const net = await FaultNetwork.create(ids, (id) => (servers[ids.indexOf(id)]!.address() as { port: number }).port);
  t.after(async () => {
    await net.close();
    for (const s of servers) s.close();
  });
  assert.equal(await exchange(net.port('a', 'b'), 'hi'), 'hi');

  net.partition('a', 'blackhole');
  assert.equal(await exchange(net.port('a', 'b'), 'x'), 'silence', 'a → b is black-holed');
  assert.equal(await exchange(net.port('c', 'a'), 'x'), 'silence', 'c → a is black-holed');
  assert.equal(await exchange(net.port('b', 'c'), 'bc'), 'bc', 'b → c still flows');
  net.heal();
  assert.equal(await exchange(net.port('a', 'b'), 'again'), 'again');

  net.partition('b', 'reset');
  assert.equal(await exchange(net.port('b', 'c'), 'x'), 'error', 'b → c is reset');
  assert.equal(await exchange(net.port('a', 'b'), 'x'), 'error', 'a → b is reset');
  net.heal();
  assert.equal(await exchange(net.port('c', 'b'), 'back'), 'back');
});
