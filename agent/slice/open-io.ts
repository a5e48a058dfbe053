// SourceSpec/SinkSpec → RecordSource/RecordSink, the one place that maps URIs to implementations. Order of
// precedence: an implementation in the run context (`ctx.sources`/`ctx.sinks`, the extension point for other
// storage), then an input override (`ctx.inputs`, golden tests), then the URI scheme.
import type { SinkSpec, SourceSpec } from '../../contracts/desired-state.ts';
import { relativeDataPath } from './data-path.ts';
import { SliceError } from './errors.ts';
import { fileSink } from './sinks/file-sink.ts';
import type { RecordSink } from './sinks/record-sink.ts';
import { streamSink } from './sinks/stream-sink.ts';
import { fileSource, pathSource } from './sources/file-source.ts';
import type { RecordSource } from './sources/record-source.ts';
import { streamSource } from './sources/stream-source.ts';
import type { RunContext } from './types.ts';

export function openSource(spec: SourceSpec, ctx: RunContext): RecordSource {
  const custom = ctx.sources?.[spec.id];
  if (custom !== undefined) return custom;
  const override = ctx.inputs?.[spec.id];
  if (override !== undefined) {
    return typeof override === 'string' ? pathSource(spec.id, override, 'ndjson') : pathSource(spec.id, override.path, override.format);
  }
  if (spec.uri === 'stdin:') return streamSource(spec.id, ctx.stdin ?? process.stdin, spec.format);
  if (spec.uri.startsWith('file://')) return fileSource(spec.id, ctx.dataRoot, relativeDataPath(spec.uri), spec.format);
  throw new SliceError('SLICE_UNSUPPORTED_URI', `source ${spec.id}: cannot read ${spec.uri}`, { source: spec.id, uri: spec.uri });
}

/** `append`: @stream runs append to file sinks in place instead of replacing them atomically at the end. */
export function openSink(spec: SinkSpec, ctx: RunContext, append: boolean): RecordSink {
  const custom = ctx.sinks?.[spec.id];
  if (custom !== undefined) return custom;
  if (spec.uri === 'stdout:') return streamSink(spec.id, ctx.stdout ?? process.stdout, spec.format);
  if (spec.uri.startsWith('file://')) return fileSink(spec.id, ctx.dataRoot, relativeDataPath(spec.uri), spec.format, { append });
  throw new SliceError('SLICE_UNSUPPORTED_URI', `sink ${spec.id}: cannot write ${spec.uri}`, { sink: spec.id, uri: spec.uri });
}
