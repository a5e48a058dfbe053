// Decoding a repository file's bytes into text, with the checks every reader needs first:
// a size limit (a 50 MB "manifest" is refused at once, not parsed) and strict UTF-8 (an invalid byte is
// reported with its line and column, never replaced silently). Pure: the caller does the I/O.
import { problem, type Problem } from './problem.ts';

/** Largest text file Runink parses from a repository (manifests, contracts, pipelines). */
export const MAX_TEXT_FILE_BYTES = 4 * 1024 * 1024;

export type DecodeResult = { ok: true; text: string } | { ok: false; problem: Problem };

export function decodeTextFile(file: string, bytes: Uint8Array, maxBytes = MAX_TEXT_FILE_BYTES): DecodeResult {
  if (bytes.length > maxBytes) {
    return {
      ok: false,
      problem: problem(
        'FILE_TOO_LARGE',
        `file is ${bytes.length} bytes; the limit for repository text files is ${maxBytes} bytes`,
        { file, line: 1, col: 1 },
        { hint: 'keep data out of pipelines/, contracts/ and herds/ (put it under data/ or golden/)' },
      ),
    };
  }
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    return { ok: true, text };
  } catch {
    const at = firstInvalidUtf8(bytes);
    return {
      ok: false,
      problem: problem('FILE_INVALID_UTF8', `invalid UTF-8 byte 0x${at.byte.toString(16).padStart(2, '0')}`, {
        file,
        line: at.line,
        col: at.col,
      }, { hint: 'save the file as UTF-8' }),
    };
  }
}

/** Locates the first byte that breaks UTF-8; line/col count characters of the valid prefix. */
function firstInvalidUtf8(bytes: Uint8Array): { line: number; col: number; byte: number } {
  let line = 1;
  let col = 1;
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const len = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len === 0 || i + len > bytes.length) return { line, col, byte: b };
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(i, i + len));
    } catch {
      return { line, col, byte: b };
    }
    if (b === 0x0a) {
      line++;
      col = 1;
    } else {
      col++;
    }
    i += len;
  }
  return { line, col, byte: 0 };
}
