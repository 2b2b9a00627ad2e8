/**
 * JSON text from a file, parsed safely: a leading UTF-8 byte order mark is skipped, nesting
 * deeper than `MAX_JSON_DEPTH` is refused before anything walks the value recursively, and a
 * syntax error is reported by line and column without quoting the text (which may be any file).
 */
import { ScenarioError } from './check.js';

/** Arrays and objects may nest this deep; a scenario needs about ten levels. */
export const MAX_JSON_DEPTH = 64;

/** The value of JSON `text`; a ScenarioError at path `at` (the file's name) when it is not JSON. */
export function parseJsonText(text: string, at: string): unknown {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') throw new ScenarioError(at, undefined, 'a JSON document', 'an empty file');
  const deep = tooDeepAt(text);
  if (deep >= 0) {
    throw new ScenarioError(at, undefined, `JSON nested at most ${MAX_JSON_DEPTH} levels deep`, `nesting deeper than ${MAX_JSON_DEPTH} levels at ${lineColumn(text, deep)}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const where = errorIndex(text, message);
    const why = where >= text.length ? 'the text ends early' : reason(message);
    throw new ScenarioError(at, undefined, 'a JSON document', `invalid JSON (${why}${where < 0 ? '' : ` at ${lineColumn(text, where)}`})`);
  }
}

/** The index of the bracket that opens level MAX_JSON_DEPTH + 1 (outside strings), or -1. */
function tooDeepAt(text: string): number {
  let depth = 0, inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_JSON_DEPTH) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return -1;
}

/** JSON.parse's complaint in words of our own: V8 quotes the text in some messages ("Unexpected token 'x', "..." is not valid JSON"). */
function reason(message: string): string {
  if (/end of JSON input|Unterminated string/.test(message)) return 'the text ends early';
  if (/^Unexpected token/.test(message)) return 'unexpected character';
  const known = /^(Expected [^"]*?|Bad [^"]*?|Unexpected (?:number|string|non-whitespace character after JSON)|No number after minus sign|Exponent part is missing a number|Unterminated fractional number)(?: in JSON)? at position \d+$/.exec(message);
  return known ? known[1].charAt(0).toLowerCase() + known[1].slice(1) : 'not JSON';
}

/**
 * Where JSON.parse failed as an index into `text` (`text.length` when it ends early), -1 when
 * unknown. V8 gives "at position N" for some errors only; for the others (an unexpected token)
 * `syntaxErrorAt` finds the place in one pass over the text, without building any value: parsing
 * prefixes instead took about log2(size) parses of up to the whole file (a minute at 60 MB).
 */
function errorIndex(text: string, message: string): number {
  const given = /at position (\d+)/.exec(message);
  if (given) return Number(given[1]);
  return syntaxErrorAt(text);
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

/** What the scanner expects next. */
const Want = { Value: 0, ValueOrEnd: 1, KeyOrEnd: 2, Key: 3, Colon: 4, CommaOrEnd: 5 } as const;

/**
 * The index of the first character at which `text` stops being JSON (RFC 8259, as JSON.parse
 * reads it), `text.length` when it is a prefix of JSON that ends early, or -1 when it is JSON.
 * Iterative: nesting is bounded by the caller, but no recursion is needed either.
 */
export function syntaxErrorAt(text: string): number {
  const n = text.length;
  const open: number[] = []; // 0x5b '[' or 0x7b '{' of each enclosing container
  let want: number = Want.Value, i = 0;
  for (;;) {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (i >= n) return want === Want.CommaOrEnd && open.length === 0 ? -1 : n;
    const c = text.charCodeAt(i);
    if (want === Want.CommaOrEnd) {
      if (open.length === 0) return i; // something after the document
      const inObject = open[open.length - 1] === 0x7b;
      if (c === 0x2c) {
        i++;
        want = inObject ? Want.Key : Want.Value;
      } else if (c === (inObject ? 0x7d : 0x5d)) {
        i++;
        open.pop();
      } else return i;
      continue;
    }
    if (want === Want.Colon) {
      if (c !== 0x3a) return i;
      i++;
      want = Want.Value;
      continue;
    }
    if (want === Want.KeyOrEnd || want === Want.Key) {
      if (c === 0x7d && want === Want.KeyOrEnd) {
        i++;
        open.pop();
        want = Want.CommaOrEnd;
        continue;
      }
      if (c !== 0x22) return i;
      const end = stringEnd(text, i);
      if (end < 0) return -end - 1;
      i = end;
      want = Want.Colon;
      continue;
    }
    // A value (or, right after '[', the end of an empty array).
    if (c === 0x5d && want === Want.ValueOrEnd) {
      i++;
      open.pop();
      want = Want.CommaOrEnd;
      continue;
    }
    if (c === 0x5b || c === 0x7b) {
      open.push(c);
      i++;
      want = c === 0x5b ? Want.ValueOrEnd : Want.KeyOrEnd;
      continue;
    }
    let end: number;
    if (c === 0x22) end = stringEnd(text, i);
    else if (c === 0x2d || isDigit(c)) end = numberEnd(text, i);
    else if (c === 0x74) end = literalEnd(text, i, 'true');
    else if (c === 0x66) end = literalEnd(text, i, 'false');
    else if (c === 0x6e) end = literalEnd(text, i, 'null');
    else return i;
    if (end < 0) return -end - 1;
    i = end;
    want = Want.CommaOrEnd;
  }
}

// The scanners below return the index just past the token, or -(error index) - 1.

function stringEnd(text: string, start: number): number {
  const n = text.length;
  for (let i = start + 1; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c < 0x20) return -i - 1;
    if (c === 0x5c) {
      if (++i >= n) return -n - 1;
      const e = text.charCodeAt(i);
      if (e === 0x75) {
        for (let k = 0; k < 4; k++) {
          if (++i >= n) return -n - 1;
          if (!isHex(text.charCodeAt(i))) return -i - 1;
        }
      } else if (!'"\\/bfnrt'.includes(text[i])) return -i - 1;
    }
  }
  return -n - 1;
}

function numberEnd(text: string, start: number): number {
  const n = text.length;
  let i = start;
  /** Skips one or more digits at i; false when there is none. */
  const digits = (): boolean => {
    if (i >= n || !isDigit(text.charCodeAt(i))) return false;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
    return true;
  };
  if (text.charCodeAt(i) === 0x2d) i++;
  if (i < n && text.charCodeAt(i) === 0x30) i++;
  else if (!digits()) return -i - 1;
  if (i < n && text.charCodeAt(i) === 0x2e) {
    i++;
    if (!digits()) return -i - 1;
  }
  if (i < n && (text.charCodeAt(i) === 0x65 || text.charCodeAt(i) === 0x45)) {
    i++;
    if (i < n && (text.charCodeAt(i) === 0x2b || text.charCodeAt(i) === 0x2d)) i++;
    if (!digits()) return -i - 1;
  }
  return i;
}

function literalEnd(text: string, start: number, word: string): number {
  for (let k = 0; k < word.length; k++) {
    const i = start + k;
    if (i >= text.length) return -text.length - 1;
    if (text.charCodeAt(i) !== word.charCodeAt(k)) return -i - 1;
  }
  return start + word.length;
}

/** "line L column C" (both from 1) of index `at` in `text`. */
export function lineColumn(text: string, at: number): string {
  let line = 1, start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return `line ${line} column ${at - start + 1}`;
}
