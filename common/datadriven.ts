// A small reader/writer for datadriven test files (the format of etcd-io/raft's testdata/):
//
//   # comment lines and blank lines between cases are kept as they are
//   command pos1 key=value list=(1,2,3)
//   optional input lines
//   ----
//   expected output (no blank lines: a blank line ends the case)
//
// rewrite() regenerates a file with new outputs, keeping every comment, command and input line.

export interface Arg {
  readonly key: string;
  readonly values: readonly string[];
}

export interface DataCase {
  /** 1-based line of the command. */
  readonly line: number;
  readonly prelude: readonly string[];
  readonly commandLine: string;
  readonly command: string;
  readonly args: readonly Arg[];
  readonly input: readonly string[];
  readonly expected: string;
}

export interface DataFile {
  readonly cases: readonly DataCase[];
  readonly trailing: readonly string[];
}

export function parseDataFile(text: string): DataFile {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const cases: DataCase[] = [];
  let prelude: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    if (line.trim() === '' || line.startsWith('#')) {
      prelude.push(line);
      i++;
      continue;
    }
    const at = i + 1;
    const commandLine = line;
    i++;
    const input: string[] = [];
    while (i < lines.length && lines[i] !== '----') input.push(lines[i++] as string);
    if (i >= lines.length) throw new Error(`line ${at}: command without ---- separator: ${commandLine}`);
    i++; // ----
    const out: string[] = [];
    while (i < lines.length && (lines[i] as string).trim() !== '') out.push(lines[i++] as string);
    if (i < lines.length) i++; // the blank line ending the case
    const { command, args } = parseCommand(commandLine);
    cases.push({ line: at, prelude, commandLine, command, args, input, expected: out.join('\n') });
    prelude = [];
  }
  return { cases, trailing: prelude };
}

/** Splits `cmd a b=1 c=(1,2)` into the command and its arguments; parentheses group comma lists. */
export function parseCommand(line: string): { command: string; args: Arg[] } {
  const tokens = line.trim().split(/\s+/);
  const command = tokens.shift() ?? '';
  const args = tokens.map((tok): Arg => {
    const eq = tok.indexOf('=');
    if (eq < 0) return { key: tok, values: [] };
    const key = tok.slice(0, eq);
    let val = tok.slice(eq + 1);
    if (val.startsWith('(') && val.endsWith(')')) {
      val = val.slice(1, -1);
      return { key, values: val === '' ? [] : val.split(',').map((v) => v.trim()) };
    }
    return { key, values: [val] };
  });
  return { command, args };
}

/** The file with each case's output replaced by `outputs[i]`. */
export function rewriteDataFile(file: DataFile, outputs: readonly string[]): string {
  const out: string[] = [];
  file.cases.forEach((c, i) => {
    out.push(...c.prelude, c.commandLine, ...c.input, '----');
    const text = outputs[i] ?? '';
    if (text !== '') out.push(text);
    out.push('');
  });
  // The blank line ending the last case and the first trailing blank line are the same line.
  const trailing = [...file.trailing];
  if (trailing[0] === '' && out[out.length - 1] === '') trailing.shift();
  out.push(...trailing);
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out.join('\n') + '\n';
}
