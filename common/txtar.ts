// A tiny txtar-style archive: a comment, then sections `-- name --` each followed by its text. Used by
// datadriven tests to keep a whole case (several input files and the expected output) in one readable file.

export interface Archive {
  readonly comment: string;
  readonly files: ReadonlyArray<{ readonly name: string; readonly text: string }>;
}

const MARKER = /^-- (.+) --$/;

export function parseTxtar(text: string): Archive {
  const lines = text.split('\n');
  const files: Array<{ name: string; text: string }> = [];
  const comment: string[] = [];
  let current: { name: string; lines: string[] } | undefined;
  const flush = (): void => {
    if (current) files.push({ name: current.name, text: current.lines.join('\n') });
  };
  for (const line of lines) {
    const m = MARKER.exec(line);
    if (m) {
      flush();
      current = { name: m[1]!, lines: [] };
    } else if (current) current.lines.push(line);
    else comment.push(line);
  }
  flush();
  // A section's text ends with a newline unless it is empty; trailing blank line of the file is not content.
  return {
    comment: comment.join('\n'),
    files: files.map((f) => ({ name: f.name, text: f.text.replace(/\n*$/, f.text.trim() === '' ? '' : '\n') })),
  };
}

export function formatTxtar(archive: Archive): string {
  const parts = [archive.comment.replace(/\n*$/, '\n')];
  for (const f of archive.files) parts.push(`-- ${f.name} --\n${f.text}`);
  return parts.join('');
}
