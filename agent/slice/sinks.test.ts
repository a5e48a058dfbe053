import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { encoderFor } from './sinks/encoders.ts';
import { fileSink } from './sinks/file-sink.ts';
import { streamSink } from './sinks/stream-sink.ts';
import { scratchDir } from './test-support.ts';

let root: string;
let cleanup: () => Promise<void>;
before(async () => {
  const d = await scratchDir('sinks');
  root = join(d.path, 'data');
  cleanup = d.cleanup;
  await mkdir(root);
  await mkdir(join(d.path, 'outside'));
  await symlink(join(d.path, 'outside'), join(root, 'link'));
});
after(() => cleanup());

describe('encoders', () => {
  it('CSV takes its header from the first record, quotes when needed and writes non-strings as JSON', () => {
    const e = encoderFor('csv');
    const text = e.encode([{ a: 'x,y', b: 'say "hi"', c: 1 }]) + e.encode([{ a: 'line\nbreak', c: { n: true }, d: 'dropped' }]) + e.finish();
    assert.equal(text, 'a,b,c\n"x,y","say ""hi""",1\n"line\nbreak",,"{""n"":true}"\n');
  });

  it('JSON writes one parseable top-level array across chunks, and [] when empty', () => {
    const e = encoderFor('json');
    const text = e.encode([{ a: 1 }]) + e.encode([{ a: 2 }, { a: 3 }]) + e.finish();
    assert.deepEqual(JSON.parse(text), [{ a: 1 }, { a: 2 }, { a: 3 }]);
    assert.deepEqual(JSON.parse(encoderFor('json').finish()), []);
  });
});

describe('file sinks', () => {
  it('write to a hidden temporary file and replace the target only on commit', async () => {
    await mkdir(join(root, 'out'), { recursive: true });
    await writeFile(join(root, 'out/a.ndjson'), 'old\n');
    const sink = fileSink('a', root, 'out/a.ndjson', 'ndjson', { append: false });
    await sink.write([{ n: 1 }]);
    assert.equal(await readFile(join(root, 'out/a.ndjson'), 'utf8'), 'old\n');
    assert.equal((await readdir(join(root, 'out'))).filter((f) => f.startsWith('.a.ndjson.')).length, 1);
    await sink.commit();
    assert.equal(await readFile(join(root, 'out/a.ndjson'), 'utf8'), '{"n":1}\n');
    assert.deepEqual(await readdir(join(root, 'out')), ['a.ndjson']);
  });

  it('abort leaves the previous target untouched and no temporary file', async () => {
    const sink = fileSink('a', root, 'out/a.ndjson', 'ndjson', { append: false });
    await sink.write([{ n: 2 }]);
    await sink.abort();
    assert.equal(await readFile(join(root, 'out/a.ndjson'), 'utf8'), '{"n":1}\n');
    assert.deepEqual(await readdir(join(root, 'out')), ['a.ndjson']);
  });

  it('append mode (streams) adds to the target in place', async () => {
    const sink = fileSink('a', root, 'out/a.ndjson', 'ndjson', { append: true });
    await sink.write([{ n: 3 }]);
    await sink.commit();
    assert.equal(await readFile(join(root, 'out/a.ndjson'), 'utf8'), '{"n":1}\n{"n":3}\n');
  });

  it('refuses to create folders or files through a symlink that leads out of the data root', async () => {
    await assert.rejects(fileSink('x', root, 'link/new/x.ndjson', 'ndjson', { append: false }).write([{ n: 1 }]), { code: 'SLICE_PATH_ESCAPE' });
    await assert.rejects(fileSink('x', root, 'link/x.ndjson', 'ndjson', { append: false }).write([{ n: 1 }]), { code: 'SLICE_PATH_ESCAPE' });
  });
});

describe('stream sinks', () => {
  it('wait for drain when the writable is full and never end the stream', async () => {
    const out = new PassThrough({ highWaterMark: 16 });
    const sink = streamSink('stdout', out, 'ndjson');
    let resolved = false;
    const pending = sink.write([{ long: 'x'.repeat(64) }]).then(() => (resolved = true));
    await new Promise((r) => setImmediate(r));
    assert.equal(resolved, false);
    out.read();
    await pending;
    await sink.commit();
    assert.equal(out.writableEnded, false);
  });
});
