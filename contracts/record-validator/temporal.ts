// Dates, timestamps and times as records carry them (text). A parser turns a value into a number that
// orders correctly — epoch milliseconds for date/timestamp, milliseconds since midnight for time — or
// undefined when the text does not match. Without a `format` the ISO-8601 shapes are accepted; with one,
// the JDK DateTimeFormatter subset below (yyyy MM dd HH mm ss S… X/Z, 'quoted', other characters literal).
// Values without an offset are read as UTC (ODCS `defaultTimezone` is not applied).

export type TemporalKind = 'date' | 'timestamp' | 'time';
export type TemporalParse = (text: string) => number | undefined;

export type ParserResult = { ok: true; parse: TemporalParse } | { ok: false; reason: string };

type Part = 'year4' | 'year2' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'fraction' | 'offset';

const OFFSET = '(Z|z|[+-]\\d{2}(?::?\\d{2})?)';
const ISO_TIME = `(\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,9}))?)?`;
const ISO: Readonly<Record<TemporalKind, { re: RegExp; parts: readonly Part[] }>> = {
  date: { re: /^(\d{4})-(\d{2})-(\d{2})$/, parts: ['year4', 'month', 'day'] },
  time: { re: new RegExp(`^${ISO_TIME}${OFFSET}?$`), parts: ['hour', 'minute', 'second', 'fraction', 'offset'] },
  timestamp: {
    re: new RegExp(`^(\\d{4})-(\\d{2})-(\\d{2})[Tt ]${ISO_TIME}${OFFSET}?$`),
    parts: ['year4', 'month', 'day', 'hour', 'minute', 'second', 'fraction', 'offset'],
  },
};

export function temporalParser(kind: TemporalKind, format?: string): ParserResult {
  if (format === undefined) return { ok: true, parse: build(kind, ISO[kind].re, ISO[kind].parts) };
  const translated = translateFormat(format);
  if (typeof translated === 'string') return { ok: false, reason: translated };
  return { ok: true, parse: build(kind, translated.re, translated.parts) };
}

/** JDK pattern → anchored regex plus the role of each capture group, or the reason it is unsupported. */
function translateFormat(format: string): { re: RegExp; parts: Part[] } | string {
  let source = '';
  const parts: Part[] = [];
  let i = 0;
  while (i < format.length) {
    const ch = format[i]!;
    if (ch === "'") {
      const end = format.indexOf("'", i + 1);
      if (end < 0) return `unterminated quote in format "${format}"`;
      source += end === i + 1 ? "'" : escapeRegex(format.slice(i + 1, end));
      i = end + 1;
      continue;
    }
    let n = 1;
    while (format[i + n] === ch) n++;
    if (!/[A-Za-z]/.test(ch)) {
      source += escapeRegex(ch.repeat(n));
    } else {
      const token = tokenRegex(ch, n);
      if (token === undefined) return `pattern letter "${ch.repeat(n)}" in format "${format}" is not supported`;
      source += token.re;
      parts.push(token.part);
    }
    i += n;
  }
  return { re: new RegExp(`^${source}$`), parts };
}

function tokenRegex(ch: string, n: number): { re: string; part: Part } | undefined {
  const digits = (part: Part): { re: string; part: Part } => ({ re: n === 1 ? '(\\d{1,2})' : `(\\d{${n}})`, part });
  switch (ch) {
    case 'y':
    case 'u':
      if (n === 2) return { re: '(\\d{2})', part: 'year2' };
      return n === 4 ? { re: '(\\d{4})', part: 'year4' } : undefined;
    case 'M':
      return n <= 2 ? digits('month') : undefined;
    case 'd':
      return n <= 2 ? digits('day') : undefined;
    case 'H':
      return n <= 2 ? digits('hour') : undefined;
    case 'm':
      return n <= 2 ? digits('minute') : undefined;
    case 's':
      return n <= 2 ? digits('second') : undefined;
    case 'S':
      return n <= 9 ? { re: `(\\d{${n}})`, part: 'fraction' } : undefined;
    case 'X':
    case 'x':
    case 'Z':
      return { re: OFFSET, part: 'offset' };
    default:
      return undefined;
  }
}

function build(kind: TemporalKind, re: RegExp, parts: readonly Part[]): TemporalParse {
  // Hot path (once per value): locals only, no per-call allocation besides the regex match.
  return (text) => {
    const m = re.exec(text);
    if (m === null) return undefined;
    let year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, ms = 0, offset = 0;
    for (let g = 0; g < parts.length; g++) {
      const v = m[g + 1];
      if (v === undefined) continue;
      switch (parts[g]!) {
        case 'year4': year = +v; break;
        case 'year2': year = 2000 + +v; break;
        case 'month': month = +v; break;
        case 'day': day = +v; break;
        case 'hour': hour = +v; break;
        case 'minute': minute = +v; break;
        case 'second': second = +v; break;
        case 'fraction': ms = +`0.${v}` * 1000; break;
        case 'offset': offset = offsetMs(v); break;
      }
    }
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
    if (hour > 23 || minute > 59 || second > 59) return undefined;
    const clock = ((hour * 60 + minute) * 60 + second) * 1000 + ms - offset;
    return kind === 'time' ? clock : daysFromCivil(year, month, day) * 86_400_000 + clock;
  };
}

function offsetMs(v: string): number {
  if (v === 'Z' || v === 'z') return 0;
  const sign = v[0] === '-' ? -1 : 1;
  const digits = v.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0')) * 60_000;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (integer arithmetic; faster than Date.UTC). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : DAYS[month - 1]!;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
