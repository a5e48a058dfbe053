// The one place that builds Ajv instances for record validation: draft-07 core, ajv-formats for string
// formats, and the `x-runink-temporal` keyword that checks date/timestamp/time text (format + bounds) with
// the parsers of temporal.ts. Bounds arrive already parsed to numbers, so the per-value cost is one regex
// match and a few comparisons.
import AjvModule from 'ajv';
import type { ErrorObject } from 'ajv';
import type { DataValidateFunction } from 'ajv/dist/types/index.js';
import addFormatsModule from 'ajv-formats';
import { temporalParser, type TemporalKind } from './temporal.ts';

const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;
export type AjvInstance = InstanceType<typeof Ajv>;

export const TEMPORAL_KEYWORD = 'x-runink-temporal';

/** The keyword's schema value: bounds as parser numbers, with their original text for messages. */
export interface TemporalSpec {
  readonly kind: TemporalKind;
  readonly format?: string;
  readonly bounds: ReadonlyArray<{ readonly op: 'minimum' | 'maximum' | 'exclusiveMinimum' | 'exclusiveMaximum'; readonly value: number; readonly text: string }>;
}

/** `verbose` (slow path) keeps the offending value on each error and reports every error. */
export function createAjv(verbose: boolean): AjvInstance {
  const ajv = new Ajv({ allErrors: verbose, verbose, strict: false, validateFormats: true });
  addFormats(ajv);
  ajv.addKeyword({ keyword: TEMPORAL_KEYWORD, type: 'string', schemaType: 'object', errors: true, compile: compileTemporal });
  return ajv;
}

/** Whether a string `format` name is known to the validator. */
export function knownFormat(ajv: AjvInstance, name: string): boolean {
  return ajv.formats[name] !== undefined;
}

function compileTemporal(spec: TemporalSpec): DataValidateFunction {
  const parser = temporalParser(spec.kind, spec.format);
  // An unsupported format was already reported at compile time; the ISO parser stands in for it.
  const parse = parser.ok ? parser.parse : (temporalParser(spec.kind) as { ok: true; parse: (t: string) => number | undefined }).parse;
  const shape = spec.format ?? `ISO-8601 ${spec.kind}`;
  const fail = (fn: DataValidateFunction, message: string): false => {
    fn.errors = [{ keyword: TEMPORAL_KEYWORD, message, params: {} } as Partial<ErrorObject>];
    return false;
  };
  const fn: DataValidateFunction = (data: unknown) => {
    if (typeof data !== 'string') return true;
    const v = parse(data);
    if (v === undefined) return fail(fn, `must be a ${spec.kind} like ${shape}`);
    for (const b of spec.bounds) {
      if (!within(b.op, v, b.value)) return fail(fn, `must be ${SYMBOL[b.op]} ${b.text}`);
    }
    return true;
  };
  return fn;
}

const SYMBOL = { minimum: '>=', maximum: '<=', exclusiveMinimum: '>', exclusiveMaximum: '<' } as const;

function within(op: TemporalSpec['bounds'][number]['op'], v: number, bound: number): boolean {
  switch (op) {
    case 'minimum':
      return v >= bound;
    case 'maximum':
      return v <= bound;
    case 'exclusiveMinimum':
      return v > bound;
    case 'exclusiveMaximum':
      return v < bound;
  }
}
