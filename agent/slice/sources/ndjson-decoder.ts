// NDJSON (JSON Lines): one JSON object per line; blank lines are skipped; `\r\n` is accepted. A line that is
// not valid JSON, or not an object, is rejected as `{_raw: line}` with `<label>:<line>: <why>`.
import { messageOf } from '../errors.ts';
import type { Rec, Rejected } from '../types.ts';
import { isRecord, type Decoder } from './record-source.ts';

export function ndjsonDecoder(sourceId: string, label: string): Decoder {
  let tail = '';
  let line = 0;
  const one = (text: string, out: Rec[], rejects: Rejected[]): void => {
    line++;
    let start = 0;
    let end = text.length;
    while (start < end && isSpace(text.charCodeAt(start))) start++;
    while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
    if (start === end) return;
    const body = start === 0 && end === text.length ? text : text.slice(start, end);
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch (e) {
      rejects.push({ record: { _raw: body }, step: sourceId, reason: `${label}:${line}: invalid JSON: ${messageOf(e)}` });
      return;
    }
    if (isRecord(value)) out.push(value);
    else rejects.push({ record: { _raw: body }, step: sourceId, reason: `${label}:${line}: not a JSON object` });
  };
  return {
    write(text, out, rejects) {
      let from = 0;
      let nl = text.indexOf('\n');
      if (nl === -1) {
        tail += text;
        return;
      }
      one(tail + text.slice(0, nl), out, rejects);
      tail = '';
      from = nl + 1;
      while ((nl = text.indexOf('\n', from)) !== -1) {
        one(text.slice(from, nl), out, rejects);
        from = nl + 1;
      }
      tail = text.slice(from);
    },
    end(out, rejects) {
      if (tail !== '') one(tail, out, rejects);
      tail = '';
    },
  };
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10 || c === 0xfeff;
}
