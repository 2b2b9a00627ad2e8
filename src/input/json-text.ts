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
 * Where JSON.parse failed as an index into `text`, -1 when unknown. V8 gives "at position N"
 * for some errors only; otherwise the shortest prefix of `text` that fails for another reason
 * than ending early is searched for (a prefix of valid JSON only ever fails at its end).
 */
function errorIndex(text: string, message: string): number {
  const given = /at position (\d+)/.exec(message);
  if (given) return Number(given[1]);
  const fails = (k: number) => {
    try {
      JSON.parse(text.slice(0, k));
      return false;
    } catch (e) {
      // Ending early shows as "end of JSON input", an unterminated string, or a position at the end.
      const m = (e as Error).message, pos = /at position (\d+)/.exec(m);
      return !/end of JSON input|Unterminated string/.test(m) && !(pos && Number(pos[1]) >= k);
    }
  };
  let lo = 0, hi = text.length; // fails(hi) holds unless the text merely ends early
  if (!fails(hi)) return /end of JSON input|Unterminated string/.test(message) ? text.length : -1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (fails(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo - 1;
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
