import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authorize, type Decision, type ResourceKind } from './authorize.ts';
import type { HerdSpec, Permission } from '../contracts/desired-state.ts';
import { runDataDriven } from './testing/datadriven.ts';
import { herdsFrom, parseYamlObject, subjectFrom } from './testing/fixtures.ts';

function show(d: Decision): string {
  return d.allowed ? `allowed by role ${d.role} in herd ${d.herd}` : `denied ${d.code}: ${d.reason}`;
}

test('authorize decisions match testdata/authorize.txt', () => {
  let herds: Record<string, HerdSpec> = {};
  runDataDriven(new URL('./testdata/authorize.txt', import.meta.url), (c) => {
    switch (c.command) {
      case 'herds':
        herds = herdsFrom(parseYamlObject(c.input));
        return `herds: ${Object.keys(herds).join(', ')}`;
      case 'authorize': {
        const { subject, rest } = subjectFrom(c.input.trim().split(/\s+/));
        const [action = '', resource = ''] = rest;
        const [kind = '', path = ''] = resource.split(':');
        const [herd = '', name] = path.split('/');
        const target = name === undefined ? { herd, kind: kind as ResourceKind } : { herd, kind: kind as ResourceKind, name };
        return show(authorize(subject, action as Permission, target, herds));
      }
      default:
        throw new Error(`${c.at}: unknown command ${c.command}`);
    }
  });
});

const herds = herdsFrom({
  retail: {
    roles: {
      viewer: { members: ['github:Alice', 'not-a-subject', 'github-team:bad'], permissions: ['pipelines.read'] },
      editor: { members: ['github-team:acme/retail-eng'], permissions: ['pipelines.read', 'pipelines.write'] },
    },
  },
});

test('the same question always gets the same answer and the input is not modified', () => {
  const before = JSON.stringify(herds);
  const subject = { login: 'alice', teams: ['acme/retail-eng'] };
  const first = authorize(subject, 'pipelines.read', { herd: 'retail', kind: 'pipeline', name: 'orders' }, herds);
  const second = authorize(subject, 'pipelines.read', { herd: 'retail', kind: 'pipeline', name: 'orders' }, herds);
  assert.deepEqual(first, { allowed: true, role: 'viewer', herd: 'retail' });
  assert.deepEqual(second, first);
  assert.equal(JSON.stringify(herds), before);
});

test('malformed members grant nothing and never throw', () => {
  const d = authorize({ login: 'not-a-subject', teams: ['bad'] }, 'pipelines.read', { herd: 'retail', kind: 'pipeline' }, herds);
  assert.equal(d.allowed, false);
  assert.equal(!d.allowed && d.code, 'POLICY_DENIED');
});

test('a herd named like an Object.prototype property is unknown, not a crash', () => {
  const d = authorize({ login: 'alice', teams: [] }, 'pipelines.read', { herd: 'constructor', kind: 'pipeline' }, herds);
  assert.equal(!d.allowed && d.code, 'POLICY_UNKNOWN_HERD');
});
