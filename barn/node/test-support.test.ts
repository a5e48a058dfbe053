import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PORT_WINDOW, freePorts, portWindow } from './test-support.ts';

test('ports are chosen below the default ephemeral range, or above a range that starts too low', () => {
  assert.deepEqual(portWindow('32768\t60999\n'), [20_768, 32_768]);
  assert.deepEqual(portWindow('1024 40000'), [40_001, 65_536]);
  assert.deepEqual(portWindow('garbage'), [20_000, 32_768]);
});

test('free ports are distinct within a process, outside the ephemeral range and bindable', async () => {
  const ports = await freePorts(40);
  assert.equal(new Set(ports).size, 40);
  const [low, high] = PORT_WINDOW;
  for (const p of ports) assert.ok(p >= low && p < high, `port ${p} is outside [${low}, ${high})`);
});
