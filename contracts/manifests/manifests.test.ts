import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Isolation, Permission } from '../desired-state.ts';
import { loadHerd, fileStem } from './load-herd.ts';
import { loadProject } from './load-project.ts';
import { manifestSchema } from './manifest-schemas.ts';
import { formatPath, pointerToPath } from './schema-problems.ts';

// Exhaustive at compile time: adding a Permission or Isolation to desired-state.ts without listing it here fails tsc.
const PERMISSIONS: Record<Permission, true> = {
  'pipelines.read': true, 'pipelines.write': true, 'pipelines.run': true, 'contracts.write': true, 'contracts.approve': true,
  'secrets.read': true, 'secrets.write': true, 'herd.admin': true, '*': true,
};
const ISOLATIONS: Record<Isolation, true> = { required: true, 'best-effort': true, off: true };

function at(schema: unknown, ...path: string[]): any {
  return path.reduce((node: any, key) => node?.[key], schema);
}

test('the herd schema allows exactly the permissions and isolation levels of desired-state.ts', () => {
  const herd = manifestSchema('Herd');
  const role = at(herd, 'properties', 'spec', 'properties', 'roles', 'items', 'properties');
  assert.deepEqual([...role.permissions.items.enum].sort(), Object.keys(PERMISSIONS).sort());
  assert.deepEqual([...at(herd, 'properties', 'spec', 'properties', 'isolation', 'enum')].sort(), Object.keys(ISOLATIONS).sort());
});

test('both schemas are 2019-09 documents with runink.dev ids', () => {
  assert.equal(manifestSchema('Project')['$id'], 'https://runink.dev/schema/v1/project.json');
  assert.equal(manifestSchema('Herd')['$id'], 'https://runink.dev/schema/v1/herd.json');
  for (const kind of ['Project', 'Herd'] as const) assert.equal(manifestSchema(kind)['$schema'], 'https://json-schema.org/draft/2019-09/schema');
});

test('loading a manifest never changes the schema defaults shared by later loads', () => {
  const text = 'apiVersion: runink.dev/v1\nkind: Herd\nmetadata: {name: a}\nspec:\n  quotas: {cpu: 1, memory: 1Gi, slices: 1}\n  roles: [{name: r, members: ["github:x"], permissions: ["*"]}]\n';
  const first = loadHerd('herds/a.yaml', text);
  const second = loadHerd('herds/a.yaml', 'apiVersion: runink.dev/v1\nkind: Herd\nmetadata: {name: a}\nspec:\n  quotas: {cpu: 1, memory: 1Gi, slices: 1}\n');
  assert.equal(first.herd?.roles.length, 1);
  assert.deepEqual(second.herd?.roles, []);
  assert.deepEqual(second.herd?.contractApprovers, []);
});

test('the same text always yields the same serialised spec', () => {
  const text = 'apiVersion: runink.dev/v1\nkind: Project\nmetadata: {name: p}\nspec: {defaultHerd: d}\n';
  assert.equal(JSON.stringify(loadProject('runink.yaml', text)), JSON.stringify(loadProject('runink.yaml', text)));
});

test('a warning alone does not withhold the project', () => {
  // A YAML warning (unknown tag) is reported, but the manifest still loads.
  const { project, problems } = loadProject('runink.yaml', 'apiVersion: runink.dev/v1\nkind: Project\nmetadata: {name: p}\nspec: {defaultHerd: !foo d}\n');
  assert.ok(problems.length > 0 && problems.every((p) => p.severity === 'warning'), JSON.stringify(problems));
  assert.equal(project?.defaultHerd, 'd');
});

test('JSON pointers and dotted paths round-trip escapes and indices', () => {
  assert.deepEqual(pointerToPath('/spec/roles/0/a~1b~0c'), ['spec', 'roles', 0, 'a/b~c']);
  assert.deepEqual(pointerToPath(''), []);
  assert.equal(formatPath(['spec', 'roles', 0, 'members', 1]), 'spec.roles[0].members[1]');
  assert.equal(formatPath([]), 'the manifest');
});

test('the herd file stem ignores folders and the yaml or yml extension', () => {
  assert.equal(fileStem('herds/analytics.yaml'), 'analytics');
  assert.equal(fileStem('herds/analytics.yml'), 'analytics');
  assert.equal(fileStem('sub\\herds\\x.yaml'), 'x');
});
