// JSON sources: a top-level array of objects, streamed element by element (never parsed as a whole), or a
// sequence of top-level objects (which covers JSON Lines and concatenated JSON). Each element is cut out by a
// small scanner that tracks strings and bracket depth, then handed to JSON.parse; an element that is not an
// object, or not valid JSON, is rejected as `{_raw}`. Memory: one element at a time.
import { messageOf } from '../errors.ts';
import type { Rec, Rejected } from '../types.ts';
import { isRecord, type Decoder } from './record-source.ts';

export function jsonDecoder(sourceId: string, label: string): Decoder {
  let mode: 'start' | 'array' | 'values' | 'done' = 'start';
  let depth = 0; // bracket depth relative to the element level
  let inString = false;
  let escaped = false;
  let parts: string[] = []; // text of the current element, across pieces
  let inElement = false;
  let index = 0;

  const emit = (text: string, out: Rec[], rejects: Rejected[]): void => {
    index++;
    const body = text.trim();
    if (body === '') return;
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch (e) {
      rejects.push({ record: { _raw: body }, step: sourceId, reason: `${label}: element ${index}: invalid JSON: ${messageOf(e)}` });
      return;
    }
    if (isRecord(value)) out.push(value);
    else rejects.push({ record: { _raw: body }, step: sourceId, reason: `${label}: element ${index}: not a JSON object` });
  };

  return {
    write(text, out, rejects) {
      let start = inElement ? 0 : -1;
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (mode === 'done') break;
        if (mode === 'start') {
          if (isWs(c)) continue;
          mode = c === 0x5b /* [ */ ? 'array' : 'values';
          if (mode === 'array') continue;
        }
        if (inString) {
          if (escaped) escaped = false;
          else if (c === 0x5c) escaped = true;
          else if (c === 0x22) inString = false;
          continue;
        }
        if (!inElement) {
          if (isWs(c) || c === 0x2c /* , */) continue;
          if (mode === 'array' && c === 0x5d /* ] */) {
            mode = 'done';
            continue;
          }
          inElement = true;
          start = i;
          parts = [];
        }
        if (c === 0x22) inString = true;
        else if (c === 0x7b || c === 0x5b) depth++;
        else if (c === 0x7d || c === 0x5d) {
          if (depth === 0) {
            // `]` closing the top array right after a scalar element
            parts.push(text.slice(start, i));
            inElement = false;
            emit(parts.join(''), out, rejects);
            mode = 'done';
            continue;
          }
          depth--;
          if (depth === 0) {
            parts.push(text.slice(start, i + 1));
            inElement = false;
            emit(parts.join(''), out, rejects);
          }
        } else if (depth === 0 && (c === 0x2c || (mode === 'values' && isWs(c)))) {
          parts.push(text.slice(start, i));
          inElement = false;
          emit(parts.join(''), out, rejects);
        }
      }
      if (inElement) parts.push(text.slice(start === -1 ? 0 : start));
    },
    end(out, rejects) {
      if (inElement) emit(parts.join(''), out, rejects);
      if (mode === 'array' || inString || depth > 0) {
        rejects.push({ record: { _raw: '' }, step: sourceId, reason: `${label}: unexpected end of JSON input` });
      }
      inElement = false;
    },
  };
}

function isWs(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 0xfeff;
}
