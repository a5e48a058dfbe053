import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { facet, facetSchemaUrl, producerUrl, RUNINK_VERSION } from './facet-urls.ts';

test("the producer URL carries the package's version", () => {
  const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
  assert.equal(RUNINK_VERSION, pkg.version);
  assert.equal(producerUrl(), `https://runink.dev/producer/runi/v${pkg.version}`);
});

test('a facet gets the producer and its definition URL next to its fields', () => {
  assert.deepEqual(facet('NominalTimeRunFacet', 'https://p', { nominalStartTime: 't' }), {
    _producer: 'https://p',
    _schemaURL: 'https://openlineage.io/spec/facets/1-0-1/NominalTimeRunFacet.json#/$defs/NominalTimeRunFacet',
    nominalStartTime: 't',
  });
  assert.equal(facetSchemaUrl('JobTypeJobFacet'), 'https://openlineage.io/spec/facets/2-0-4/JobTypeJobFacet.json#/$defs/JobTypeJobFacet');
});
