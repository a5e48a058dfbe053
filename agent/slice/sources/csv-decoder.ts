// CSV (RFC 4180): the first row is the header; every later row becomes one record keyed by the header, every
// value a string (cast them with `@step(cast, …)`). Quoted fields may hold commas, `""` and line breaks;
// `\r\n` and `\n` both end a row; empty lines are skipped. A row whose field count differs from the header's is
// rejected as `{_raw: [fields]}`; a duplicate or empty header name fails nothing but is suffixed (`a`, `a_2`).
import type { Rec, Rejected } from '../types.ts';
import type { Decoder } from './record-source.ts';

export function csvDecoder(sourceId: string, label: string): Decoder {
  let header: string[] | undefined;
  let row: string[] = [];
  let field = '';
  let quoted = false; // inside a quoted field
  let quoteSeen = false; // previous char was a quote inside a quoted field (either `""` or the closing quote)
  let fieldStarted = false;
  let line = 1;
  let rowLine = 1;

  const endField = (): void => {
    row.push(field);
    field = '';
    fieldStarted = false;
  };
  const endRow = (out: Rec[], rejects: Rejected[]): void => {
    endField();
    const fields = row;
    row = [];
    const at = rowLine;
    rowLine = line;
    if (fields.length === 1 && fields[0] === '') return; // empty line
    if (header === undefined) {
      header = uniqueNames(fields);
      return;
    }
    if (fields.length !== header.length) {
      rejects.push({ record: { _raw: fields }, step: sourceId, reason: `${label}:${at}: row has ${fields.length} fields, the header has ${header.length}` });
      return;
    }
    const rec: Rec = {};
    for (let i = 0; i < header.length; i++) rec[header[i]!] = fields[i];
    out.push(rec);
  };

  return {
    write(text, out, rejects) {
      for (let i = 0; i < text.length; i++) {
        const ch = text[i]!;
        if (quoted) {
          if (quoteSeen) {
            quoteSeen = false;
            if (ch === '"') {
              field += '"';
              continue;
            }
            quoted = false; // that quote closed the field; fall through to handle ch unquoted
          } else if (ch === '"') {
            quoteSeen = true;
            continue;
          } else {
            if (ch === '\n') line++;
            field += ch;
            continue;
          }
        }
        if (ch === ',') endField();
        else if (ch === '\n') {
          line++;
          endRow(out, rejects);
        } else if (ch === '\r') continue;
        else if (ch === '"' && !fieldStarted) {
          quoted = true;
          fieldStarted = true;
        } else {
          field += ch;
          fieldStarted = true;
        }
      }
    },
    end(out, rejects) {
      if (quoted && quoteSeen) quoted = false;
      if (quoted) {
        rejects.push({ record: { _raw: [...row, field] }, step: sourceId, reason: `${label}:${rowLine}: unterminated quoted field` });
        return;
      }
      if (field !== '' || row.length > 0) endRow(out, rejects);
    },
  };
}

function uniqueNames(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((raw, i) => {
    const name = raw.trim() === '' ? `column_${i + 1}` : raw.replace(/^\uFEFF/, '');
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return n === 1 ? name : `${name}_${n}`;
  });
}
