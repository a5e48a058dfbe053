// Records → text for the output formats, one chunk at a time (one string per chunk keeps write calls few).
// - ndjson: `JSON.stringify(record)\n` per record.
// - csv: header = the keys of the first record written; later records are written in that column order
//   (missing keys → empty field, keys not in the header are not written — a CSV has one header). Strings are
//   written as-is, other values as JSON text; fields with `,`, `"`, CR or LF are quoted.
// - json: one top-level array, streamed: `[` before the first record, `,\n` between, `]` at the end.
import type { DataFormat } from '../../../contracts/desired-state.ts';
import type { Rec } from '../types.ts';

export interface Encoder {
  encode(records: readonly Rec[]): string;
  /** Text that closes the output (json: `]`); empty for ndjson/csv. */
  finish(): string;
}

export function encoderFor(format: DataFormat): Encoder {
  switch (format) {
    case 'ndjson':
      return { encode: encodeNdjson, finish: () => '' };
    case 'csv':
      return csvEncoder();
    case 'json':
      return jsonEncoder();
  }
}

export function encodeNdjson(records: readonly Rec[]): string {
  let out = '';
  for (const r of records) out += JSON.stringify(r) + '\n';
  return out;
}

function csvEncoder(): Encoder {
  let columns: string[] | undefined;
  return {
    encode(records) {
      let out = '';
      for (const r of records) {
        if (columns === undefined) {
          columns = Object.keys(r);
          out += columns.map(csvField).join(',') + '\n';
        }
        out += columns.map((c) => csvValue(r[c])).join(',') + '\n';
      }
      return out;
    },
    finish: () => '',
  };
}

function csvValue(v: unknown): string {
  if (v === undefined || v === null) return '';
  return csvField(typeof v === 'string' ? v : JSON.stringify(v));
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function jsonEncoder(): Encoder {
  let first = true;
  return {
    encode(records) {
      let out = '';
      for (const r of records) {
        out += (first ? '[\n' : ',\n') + JSON.stringify(r);
        first = false;
      }
      return out;
    },
    finish: () => (first ? '[]\n' : '\n]\n'),
  };
}
