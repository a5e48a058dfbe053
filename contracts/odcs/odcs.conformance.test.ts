// ODCS conformance: the official examples must validate, the official negative tests must be rejected —
// each for its own reason, both as published (apiVersion v3.2.0) and relabelled v3.1.0, where the keys that
// v3.2 adds are unknown properties. Reads the corpus from RUNINK_CONFORMANCE_DIR (default
// <project root>/../shared/conformance); runs under `npm run test:conformance`.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { formatProblem, type Problem } from '../../common/problem.ts';
import { validateContract } from './validate-contract.ts';

const corpus = process.env['RUNINK_CONFORMANCE_DIR'] ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'conformance');
const odcs = join(corpus, 'odcs');

/** Per negative test: the problems (code + a fragment of the message) that say why it is rejected. */
const REASONS: Readonly<Record<string, readonly (readonly [string, string])[]>> = {
  'additional-unknown-property': [['ODCS_UNKNOWN_PROPERTY', '`unknownRootField`']],
  'enum-duplicate-values': [['ODCS_UNKNOWN_PROPERTY', '`enum`']],
  'enum-empty': [['ODCS_UNKNOWN_PROPERTY', '`enum`']],
  'enum-missing-value': [['ODCS_UNKNOWN_PROPERTY', '`enum`']],
  'invalid-api-version': [['ODCS_API_VERSION', 'found `v4.0.0`']],
  'invalid-kind': [['ODCS_KIND', 'found `DataModel`']],
  'invalid-quality-dimension': [['ODCS_INVALID_VALUE', 'quality[0].dimension` must be one of']],
  'invalid-quality-metric': [['ODCS_INVALID_VALUE', 'quality[0].metric` must be one of']],
  'invalid-quality-type': [['ODCS_INVALID_VALUE', 'quality[0].type` must be one of']],
  'map-missing-block': [['ODCS_INVALID_VALUE', 'logicalType` must be one of string']],
  'map-missing-key': [['ODCS_UNKNOWN_PROPERTY', '`map`']],
  'map-missing-value': [['ODCS_UNKNOWN_PROPERTY', '`map`']],
  'missing-required-fields': [['ODCS_REQUIRED', '`id`'], ['ODCS_REQUIRED', '`status`']],
  'quality-custom-missing-implementation': [['ODCS_REQUIRED', '`implementation`']],
  'quality-element-field': [['ODCS_UNKNOWN_PROPERTY', '`element`']],
  'quality-library-missing-metric': [['ODCS_REQUIRED', '`metric`']],
  'quality-multiple-operators': [['ODCS_QUALITY_OPERATOR', 'more than one comparison operator']],
  'quality-mustbebetween-wrong-size': [['ODCS_SCHEMA', 'mustBeBetween` must be a list of exactly two']],
  'quality-sql-missing-query': [['ODCS_REQUIRED', '`query`']],
  'relationship-property-level-with-from': [['ODCS_RELATIONSHIP_FROM', 'relationships[0].from`']],
  'relationship-schema-level-missing-from-to': [['ODCS_REQUIRED', '`from`'], ['ODCS_REQUIRED', '`to`']],
  'schema-property-invalid-logicaltype': [['ODCS_INVALID_VALUE', 'found `binary`']],
  'schema-property-missing-name': [['ODCS_REQUIRED', '`name`']],
  'server-invalid-type': [['ODCS_INVALID_VALUE', 'found `mongodb`']],
  'server-missing-conditional-fields': [['ODCS_REQUIRED', '`stagingDir`'], ['ODCS_REQUIRED', '`schema`']],
  'server-missing-required-fields': [['ODCS_REQUIRED', '`server`'], ['ODCS_REQUIRED', '`type`']],
  'sla-missing-required-value': [['ODCS_REQUIRED', '`value`']],
  'synonym-missing-term': [['ODCS_UNKNOWN_PROPERTY', '`synonyms`']],
};

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.odcs.yaml'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

function explain(problems: readonly Problem[]): string {
  return problems.map(formatProblem).join('\n');
}

test('every official ODCS example validates with zero errors', () => {
  const files = yamlFiles(join(odcs, 'docs', 'examples'));
  assert.ok(files.length >= 15, `expected the official examples under ${odcs}`);
  for (const file of files) {
    const r = validateContract(relative(odcs, file), readFileSync(file, 'utf8'));
    const errors = r.problems.filter((p) => p.severity === 'error');
    assert.deepEqual(errors, [], `${file}\n${explain(errors)}`);
    assert.ok(r.document, file);
  }
});

test('every negative test has a listed reason, and every listed reason has a negative test', () => {
  const names = yamlFiles(join(odcs, 'negative-tests')).map((f) => f.replace(/^.*\//, '').replace('.odcs.yaml', ''));
  assert.deepEqual(names, Object.keys(REASONS).sort());
});

for (const label of ['as published', 'relabelled v3.1.0'] as const) {
  test(`every negative test is rejected for its own reason (${label})`, () => {
    for (const file of yamlFiles(join(odcs, 'negative-tests'))) {
      const name = file.replace(/^.*\//, '').replace('.odcs.yaml', '');
      let text = readFileSync(file, 'utf8');
      if (label === 'relabelled v3.1.0') text = text.replace(/^apiVersion: v3\.2\.0$/m, 'apiVersion: v3.1.0');
      const r = validateContract(`${name}.odcs.yaml`, text);
      assert.equal(r.document, undefined, `${name} was accepted`);
      for (const [code, fragment] of REASONS[name] ?? []) {
        const hit = r.problems.some((p) => p.code === code && p.severity === 'error' && p.message.includes(fragment));
        assert.ok(hit, `${name} (${label}): expected ${code} mentioning ${fragment}, got:\n${explain(r.problems)}`);
      }
      const apiVersionProblem = r.problems.some((p) => p.code === 'ODCS_API_VERSION');
      const expectApiVersion = label === 'as published' || name === 'invalid-api-version';
      assert.equal(apiVersionProblem, expectApiVersion, `${name} (${label}): apiVersion problem ${apiVersionProblem}`);
    }
  });
}
