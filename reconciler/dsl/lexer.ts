// Lexer: `.dsl` text → line-oriented tokens (tags with their arguments, Feature/Scenario keywords, prose,
// comments). One pass, no recursion, no backtracking beyond a line: a 4 MB file of garbage costs linear time
// and at most MAX_PROBLEMS_PER_FILE problems. Lexical errors are DSL_SYNTAX problems; the tag that held them
// is returned with `broken: true` so later stages do not pile follow-up errors on top.
import type { ProblemSink } from './problem-sink.ts';
import { isIdentChar, isIdentStart, isWordChar, isWordStart, MAX_LIST_DEPTH, type ArgValue, type ProseKeyword, type Tag, type TagArg, type Token } from './tokens.ts';

interface Cursor {
  readonly text: string;
  i: number;
  line: number;
  lineStart: number;
}

const PROSE = /^(Given|When|Then|And|But)(?:\s|$)/;
const STATEMENT = /^(?:@|Feature:|Scenario:|(?:Given|When|Then|And|But)(?:\s|$))/;
const NUMBER = /^-?\d+(?:\.\d+)?$/;
const QUANTITY = /^\d+(?:\.\d+)?[A-Za-z]+$/;
const VALUE_HINT = 'a value is a "string", a word, a number, true/false or a [list]';

export function lex(text: string, sink: ProblemSink): Token[] {
  const s: Cursor = { text, i: 0, line: 1, lineStart: 0 };
  if (text.charCodeAt(0) === 0xfeff) s.i = s.lineStart = 1;
  const tokens: Token[] = [];
  while (s.i < text.length && !sink.full()) {
    skipBlanks(s);
    if (s.i >= text.length) break;
    const c = text[s.i]!;
    if (c === '\n') nextLine(s);
    else if (c === '#') tokens.push(comment(s));
    else if (c === '@') lexTagLine(s, tokens, sink);
    else tokens.push(textLine(s));
  }
  return tokens;
}

const col = (s: Cursor): number => s.i - s.lineStart + 1;

function nextLine(s: Cursor): void {
  s.i++;
  s.line++;
  s.lineStart = s.i;
}

/** Spaces, tabs and carriage returns on the current line. */
function skipBlanks(s: Cursor): void {
  while (s.i < s.text.length) {
    const c = s.text[s.i];
    if (c !== ' ' && c !== '\t' && c !== '\r') return;
    s.i++;
  }
}

function restOfLine(s: Cursor): string {
  let end = s.text.indexOf('\n', s.i);
  if (end < 0) end = s.text.length;
  const out = s.text.slice(s.i, end);
  s.i = end;
  return out;
}

function comment(s: Cursor): Token {
  const line = s.line;
  const c = col(s);
  return { kind: 'comment', text: restOfLine(s).slice(1).trim(), line, col: c };
}

function textLine(s: Cursor): Token {
  const line = s.line;
  const c = col(s);
  const text = restOfLine(s).trim();
  if (text.startsWith('Feature:')) return { kind: 'feature', title: text.slice(8).trim(), line, col: c };
  if (text.startsWith('Scenario:')) return { kind: 'scenario', title: text.slice(9).trim(), line, col: c };
  const m = PROSE.exec(text);
  if (m) return { kind: 'prose', keyword: m[1] as ProseKeyword, text, line, col: c };
  return { kind: 'prose', text, line, col: c };
}

/** One or more tags on a line, optionally followed by a `# comment`. */
function lexTagLine(s: Cursor, tokens: Token[], sink: ProblemSink): void {
  while (s.i < s.text.length && !sink.full()) {
    const tag = lexTag(s, sink);
    if (tag) tokens.push({ kind: 'tag', tag, line: tag.line, col: tag.col });
    // Unclosed arguments stop at the start of the next statement's line: the main loop lexes it.
    if (s.i === s.lineStart && s.line !== tag?.line) return;
    skipBlanks(s);
    const c = s.text[s.i];
    if (c === undefined || c === '\n') return;
    if (c === '#') {
      tokens.push(comment(s));
      return;
    }
    if (c !== '@') {
      const at = col(s);
      const stray = restOfLine(s).trim();
      const hint = c === '(' ? 'write the arguments right after the tag name, without a space: @name(args)' : 'put Feature:, Scenario: and prose on their own lines; start comments with #';
      sink.add('DSL_SYNTAX', `unexpected text \`${clip(stray)}\` after a tag`, s.line, at, hint);
      return;
    }
  }
}

function lexTag(s: Cursor, sink: ProblemSink): Tag | undefined {
  const line = s.line;
  const at = col(s);
  s.i++;
  if (!isIdentStart(s.text[s.i] ?? '')) {
    sink.add('DSL_SYNTAX', 'expected a tag name after `@`', line, at, 'tags look like @name or @name(arguments)');
    while (s.i < s.text.length && !/[\s@]/.test(s.text[s.i]!)) s.i++;
    return undefined;
  }
  const start = s.i;
  while (s.i < s.text.length && isIdentChar(s.text[s.i]!)) s.i++;
  const name = s.text.slice(start, s.i);
  if (s.text[s.i] !== '(') return { name, args: [], broken: false, line, col: at };
  const { args, broken } = lexArgs(s, sink, name);
  return { name, args, broken, line, col: at };
}

function lexArgs(s: Cursor, sink: ProblemSink, tag: string): { args: TagArg[]; broken: boolean } {
  const openLine = s.line;
  const openCol = col(s);
  const unterminated = (): { args: TagArg[]; broken: boolean } => {
    sink.add('DSL_SYNTAX', `unterminated \`(\`: the arguments of @${tag} are never closed`, openLine, openCol, 'add the closing `)`');
    return { args, broken: true };
  };
  const args: TagArg[] = [];
  s.i++;
  for (;;) {
    if (!skipArgSpace(s)) return unterminated();
    if (s.text[s.i] === ')') {
      s.i++;
      return { args, broken: false };
    }
    const arg = lexArg(s, sink);
    if (!arg) return recover(s, args);
    args.push(arg);
    if (!skipArgSpace(s)) return unterminated();
    const c = s.text[s.i]!;
    if (c === ',') {
      s.i++;
      continue;
    }
    if (c === ')') {
      s.i++;
      return { args, broken: false };
    }
    sink.add('DSL_SYNTAX', `expected \`,\` or \`)\` after an argument of @${tag}, found \`${c}\``, s.line, col(s), 'separate arguments with commas; quote text that contains spaces or symbols');
    return recover(s, args);
  }
}

/** After an error inside arguments: skip to the closing `)` (strings respected) or to the next statement. */
function recover(s: Cursor, args: TagArg[]): { args: TagArg[]; broken: boolean } {
  if (atStatement(s)) return { args, broken: true };
  while (skipArgSpace(s)) {
    const c = s.text[s.i]!;
    s.i++;
    if (c === ')') break;
    if (c === '"') {
      while (s.i < s.text.length && s.text[s.i] !== '\n' && s.text[s.i] !== '"') s.i += s.text[s.i] === '\\' && s.text[s.i + 1] !== '\n' ? 2 : 1;
      if (s.text[s.i] === '"') s.i++;
    }
  }
  return { args, broken: true };
}

/** Whitespace, newlines and `#` comments inside arguments. False at EOF or when a new line starts a
 * statement (a tag, Feature:, Scenario:, Given…): the arguments were not closed. */
function skipArgSpace(s: Cursor): boolean {
  for (;;) {
    skipBlanks(s);
    const c = s.text[s.i];
    if (c === undefined) return false;
    if (c === '#') {
      restOfLine(s);
      continue;
    }
    if (c !== '\n') return true;
    nextLine(s);
    if (atStatement(s)) return false;
  }
}

/** True when the cursor is at the start of a line that begins a statement (a tag, Feature:, Given…). */
function atStatement(s: Cursor): boolean {
  if (s.text.slice(s.lineStart, s.i).trim() !== '') return false;
  let j = s.i;
  while (s.text[j] === ' ' || s.text[j] === '\t') j++;
  return STATEMENT.test(s.text.slice(j, j + 12));
}

function lexArg(s: Cursor, sink: ProblemSink): TagArg | undefined {
  const line = s.line;
  const at = col(s);
  const c = s.text[s.i]!;
  if (!isWordStart(c)) {
    const value = lexValue(s, sink);
    return value && { value, line, col: at };
  }
  const word = readWord(s);
  skipBlanks(s);
  if (s.text[s.i] !== '=') return { value: classify(word, line, at), line, col: at };
  s.i++;
  skipBlanks(s);
  const value = lexValue(s, sink);
  return value && { key: word, value, line, col: at };
}

function lexValue(s: Cursor, sink: ProblemSink): ArgValue | undefined {
  const c = s.text[s.i] ?? '';
  if (c === '"') return lexString(s, sink);
  if (c === '[') return lexList(s, sink);
  if (isWordStart(c)) {
    const line = s.line;
    const at = col(s);
    return classify(readWord(s), line, at);
  }
  const found = c === '' || c === '\n' ? 'the end of the line' : `\`${c}\``;
  sink.add('DSL_SYNTAX', `expected a value, found ${found}`, s.line, col(s), `${VALUE_HINT}; quote text with spaces or symbols`);
  return undefined;
}

/** Lists nest without recursion: an explicit stack, bounded by MAX_LIST_DEPTH. */
function lexList(s: Cursor, sink: ProblemSink): ArgValue | undefined {
  const stack: { items: ArgValue[]; line: number; col: number }[] = [];
  let expectSeparator = false;
  for (;;) {
    const top = stack[stack.length - 1];
    if (top && !skipArgSpace(s)) {
      sink.add('DSL_SYNTAX', 'unterminated `[`: the list is never closed', top.line, top.col, 'add the closing `]`');
      return undefined;
    }
    const c = s.text[s.i]!;
    if (top && c === ']') {
      s.i++;
      stack.pop();
      const list: ArgValue = { kind: 'list', items: top.items, line: top.line, col: top.col };
      const outer = stack[stack.length - 1];
      if (!outer) return list;
      outer.items.push(list);
      expectSeparator = true;
    } else if (expectSeparator) {
      if (c !== ',') {
        sink.add('DSL_SYNTAX', `expected \`,\` or \`]\` in a list, found \`${c}\``, s.line, col(s), 'separate list items with commas');
        return undefined;
      }
      s.i++;
      expectSeparator = false;
    } else if (c === '[') {
      if (stack.length >= MAX_LIST_DEPTH) {
        sink.add('DSL_SYNTAX', `lists nest deeper than ${MAX_LIST_DEPTH} levels`, s.line, col(s), 'flatten the list');
        return undefined;
      }
      stack.push({ items: [], line: s.line, col: col(s) });
      s.i++;
    } else {
      const item = top && (c === '"' || isWordStart(c)) ? lexValue(s, sink) : undefined;
      if (!item) {
        if (top && c !== '"' && !isWordStart(c)) sink.add('DSL_SYNTAX', `expected a list item, found \`${c}\``, s.line, col(s), VALUE_HINT);
        return undefined;
      }
      top!.items.push(item);
      expectSeparator = true;
    }
  }
}

/** A JSON string literal on one line. */
function lexString(s: Cursor, sink: ProblemSink): ArgValue | undefined {
  const line = s.line;
  const at = col(s);
  const { text } = s;
  let j = s.i + 1;
  let closed = false;
  while (j < text.length) {
    const ch = text[j];
    if (ch === '\n') break;
    if (ch === '"') {
      closed = true;
      break;
    }
    j += ch === '\\' && text[j + 1] !== '\n' ? 2 : 1;
  }
  if (!closed) {
    sink.add('DSL_SYNTAX', 'unterminated string', line, at, 'close the string with `"` on the same line');
    s.i = Math.min(j, text.length);
    return undefined;
  }
  const raw = text.slice(s.i, j + 1);
  s.i = j + 1;
  try {
    return { kind: 'string', value: JSON.parse(raw) as string, raw, line, col: at };
  } catch {
    sink.add('DSL_SYNTAX', `invalid string ${clip(raw)}`, line, at, 'strings use JSON escapes (\\" \\\\ \\n \\t \\uXXXX) and may not contain tabs or control characters');
    return undefined;
  }
}

function readWord(s: Cursor): string {
  const start = s.i;
  s.i++;
  while (s.i < s.text.length && isWordChar(s.text[s.i]!)) s.i++;
  return s.text.slice(start, s.i);
}

function classify(word: string, line: number, c: number): ArgValue {
  if (word === 'true' || word === 'false') return { kind: 'bool', value: word === 'true', line, col: c };
  if (NUMBER.test(word)) return { kind: 'number', value: Number(word), text: word, line, col: c };
  if (QUANTITY.test(word)) return { kind: 'quantity', text: word, line, col: c };
  return { kind: 'word', value: word, line, col: c };
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
