import assert from 'node:assert/strict';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { relativeDataPath } from './data-path.ts';
import { expandSourcePath, segmentRegExp } from './glob.ts';
import { csvDecoder } from './sources/csv-decoder.ts';
import { fileSource } from './sources/file-source.ts';
import { jsonDecoder } from './sources/json-decoder.ts';
import { ndjsonDecoder } from './sources/ndjson-decoder.ts';
import type { Decoder, RecordSource } from './sources/record-source.ts';
import { streamSource } from './sources/stream-source.ts';
import { scratchDir } from './test-support.ts';
import type { Rec, Rejected } from './types.ts';

/** Feeds `text` to a decoder in pieces of `size` characters (splits land inside tokens and quotes). */
function decode(d: Decoder, text: string, size: number): { out: Rec[]; rejects: Rejected[] } {
  const out: Rec[] = [];
  const rejects: Rejected[] = [];
  for (let i = 0; i < text.length; i += size) d.write(text.slice(i, i + size), out, rejects);
  d.end(out, rejects);
  return { out, rejects };
}

async function collect(source: RecordSource, chunkSize = 2): Promise<{ records: Rec[]; chunks: number; rejects: Rejected[]; bytes: number }> {
  const records: Rec[] = [];
  const rejects: Rejected[] = [];
  let chunks = 0;
  let bytes = 0;
  for await (const c of source.chunks(chunkSize)) {
    assert.ok(c.records.length <= chunkSize);
    chunks++;
    bytes += c.bytes;
    records.push(...c.records);
    rejects.push(...c.rejects);
  }
  return { records, chunks, rejects, bytes };
}

describe('decoders', () => {
  it('NDJSON decodes lines split across pieces, skips blank lines and rejects bad lines with their number', () => {
    for (const size of [1, 3, 1000]) {
      const r = decode(ndjsonDecoder('src', 'f.ndjson'), '{"a":1}\r\n\n{"b":"é"}\nnot json\n[1]\n{"c":3}', size);
      assert.deepEqual(r.out, [{ a: 1 }, { b: 'é' }, { c: 3 }]);
      assert.deepEqual(r.rejects.map((x) => x.reason.split(':').slice(0, 3).join(':')), ['f.ndjson:4: invalid JSON', 'f.ndjson:5: not a JSON object']);
      assert.deepEqual(r.rejects[0]?.record, { _raw: 'not json' });
    }
  });

  it('CSV keys rows by the header, keeps values as strings, handles quotes, CRLF and line breaks in quotes', () => {
    const text = 'id,name,note\r\n1,"Smith, Anna","said ""hi"""\r\n2,Bob,"two\nlines"\n\n3,only-two\n4,,\n';
    for (const size of [1, 2, 7, 1000]) {
      const r = decode(csvDecoder('crm', 'c.csv'), text, size);
      assert.deepEqual(r.out, [
        { id: '1', name: 'Smith, Anna', note: 'said "hi"' },
        { id: '2', name: 'Bob', note: 'two\nlines' },
        { id: '4', name: '', note: '' },
      ]);
      assert.deepEqual(r.rejects.map((x) => x.reason), ['c.csv:6: row has 2 fields, the header has 3']);
    }
  });

  it('JSON streams the elements of a top-level array and also reads concatenated objects', () => {
    const text = '[ {"a": [1, {"b": "]"}]}, {"c": "x\\"y"} , 5 ]';
    for (const size of [1, 4, 1000]) {
      const r = decode(jsonDecoder('j', 'x.json'), text, size);
      assert.deepEqual(r.out, [{ a: [1, { b: ']' }] }, { c: 'x"y' }]);
      assert.equal(r.rejects.length, 1);
      assert.match(r.rejects[0]!.reason, /element 3: not a JSON object/);
    }
    assert.deepEqual(decode(jsonDecoder('j', 'x.json'), '{"a":1}\n{"a":2}\n', 3).out, [{ a: 1 }, { a: 2 }]);
    assert.match(decode(jsonDecoder('j', 'x.json'), '[{"a":1}', 3).rejects[0]?.reason ?? '', /unexpected end/);
  });
});

describe('file sources, globs and folders', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  before(async () => {
    const d = await scratchDir('sources');
    root = join(d.path, 'data');
    cleanup = d.cleanup;
    await mkdir(join(root, 'in/2024/05'), { recursive: true });
    await mkdir(join(root, 'in/2024/04'), { recursive: true });
    await writeFile(join(root, 'in/2024/05/b.ndjson'), '{"n":3}\n{"n":4}\n{"n":5}\n');
    await writeFile(join(root, 'in/2024/05/a.ndjson'), '{"n":2}\n');
    await writeFile(join(root, 'in/2024/04/z.ndjson'), '{"n":1}\n');
    await writeFile(join(root, 'in/2024/05/.a.ndjson.tmp'), '{"n":99}\n');
    await writeFile(join(root, 'in/2024/05/c.txt'), '{"n":6}\n');
    await writeFile(join(d.path, 'secret.ndjson'), '{"secret":true}\n');
    await symlink(join(d.path, 'secret.ndjson'), join(root, 'in/leak.ndjson'));
    await writeFile(join(root, 'people.csv'), 'id,name\n1,Ann\n');
  });
  after(() => cleanup());

  it('glob patterns match per segment and ** across folders, in lexical path order, skipping dot files', async () => {
    assert.ok(segmentRegExp('*.ndjson').test('a.ndjson'));
    assert.ok(!segmentRegExp('?.ndjson').test('ab.ndjson'));
    const rel = async (p: string): Promise<string[]> => (await expandSourcePath(root, p)).map((f) => f.slice(f.indexOf('/in/') + 1));
    assert.deepEqual(await rel('in/2024/*/*.ndjson'), ['in/2024/04/z.ndjson', 'in/2024/05/a.ndjson', 'in/2024/05/b.ndjson']);
    assert.deepEqual(await rel('in/2024/**/?.ndjson'), ['in/2024/04/z.ndjson', 'in/2024/05/a.ndjson', 'in/2024/05/b.ndjson']);
    assert.deepEqual(await rel('in/2024/'), ['in/2024/04/z.ndjson', 'in/2024/05/a.ndjson', 'in/2024/05/b.ndjson', 'in/2024/05/c.txt']);
  });

  it('a glob source streams every matching file in order and in chunks of at most chunkSize', async () => {
    const r = await collect(fileSource('orders', root, 'in/2024/*/*.ndjson', 'ndjson'), 2);
    assert.deepEqual(r.records.map((x) => x['n']), [1, 2, 3, 4, 5]);
    assert.ok(r.chunks >= 3);
    assert.equal(r.bytes, 40);
  });

  it('a CSV file source yields string values keyed by the header', async () => {
    const r = await collect(fileSource('people', root, 'people.csv', 'csv'));
    assert.deepEqual(r.records, [{ id: '1', name: 'Ann' }]);
  });

  it('refuses a symlink that leads out of the data root, and `..` above it', async () => {
    await assert.rejects(collect(fileSource('x', root, 'in/*.ndjson', 'ndjson')), { code: 'SLICE_PATH_ESCAPE' });
    await assert.rejects(collect(fileSource('x', root, 'in/leak.ndjson', 'ndjson')), { code: 'SLICE_PATH_ESCAPE' });
    assert.throws(() => relativeDataPath('file://in/../../secret.ndjson'), { code: 'SLICE_PATH_ESCAPE' });
    assert.throws(() => relativeDataPath('file:///etc/passwd'), { code: 'SLICE_PATH_ESCAPE' });
    assert.equal(relativeDataPath('file://in/./x/../a.ndjson'), 'in/a.ndjson');
  });

  it('a missing plain file is SLICE_SOURCE_NOT_FOUND while an empty glob yields nothing', async () => {
    await assert.rejects(collect(fileSource('x', root, 'nope.ndjson', 'ndjson')), { code: 'SLICE_SOURCE_NOT_FOUND' });
    assert.deepEqual((await collect(fileSource('x', root, 'in/*.csv', 'ndjson'))).records, []);
  });
});

describe('stream sources', () => {
  it('reads NDJSON from a stdin-like readable until it ends', async () => {
    const input = Readable.from(['{"a":1}\n{"a"', ':2}\n', '{"a":3}\n']);
    const r = await collect(streamSource('stdin', input, 'ndjson'), 10);
    assert.deepEqual(r.records, [{ a: 1 }, { a: 2 }, { a: 3 }]);
  });

  it('hands on a partial chunk as soon as a quiet stream has nothing more to read', async () => {
    const input = new PassThrough();
    const chunks = streamSource('stdin', input, 'ndjson').chunks(1000)[Symbol.asyncIterator]();
    input.write('{"a":1}\n{"a":2}\n');
    const first = await chunks.next();
    assert.deepEqual(first.value?.records, [{ a: 1 }, { a: 2 }], 'two records of a 1000-record chunk, without waiting for more');
    input.write('{"a":3}\n');
    assert.deepEqual((await chunks.next()).value?.records, [{ a: 3 }]);
    input.end();
    assert.equal((await chunks.next()).done, true);
  });

  it('a file source hands on chunks by size, not per piece read', async () => {
    const dir = await scratchDir('chunks');
    try {
      await writeFile(join(dir.path, 'big.ndjson'), Array.from({ length: 5000 }, (_, i) => JSON.stringify({ i, pad: 'x'.repeat(200) })).join('\n') + '\n');
      const sizes: number[] = [];
      for await (const c of fileSource('f', dir.path, 'big.ndjson', 'ndjson').chunks(1024)) sizes.push(c.records.length);
      // ~1 MB read in 64 KiB pieces: handing on per piece would make ~17 chunks of ~300 records
      assert.equal(sizes.reduce((a, b) => a + b, 0), 5000);
      assert.ok(sizes.every((n) => n <= 1024));
      assert.ok(sizes.filter((n) => n > 0).length <= 6, `chunk sizes ${sizes.join(',')}`);
    } finally {
      await dir.cleanup();
    }
  });
});
