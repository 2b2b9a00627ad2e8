import { describe, expect, it, vi } from 'vitest';
import { thrownScenarioError } from '../scenario-error.js';
import { MAX_JSON_DEPTH, parseJsonText } from '../../src/input/json-text.js';

describe('parseJsonText', () => {
  it('skips a UTF-8 byte order mark at the start', () => {
    expect(parseJsonText('\ufeff{"a": 1}', 'f.json')).toEqual({ a: 1 });
  });

  it('refuses nesting deeper than MAX_JSON_DEPTH with its line and column, before any recursive walk', () => {
    const ok = '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH);
    expect(() => parseJsonText(ok, 'f.json')).not.toThrow();
    const e = thrownScenarioError(() => parseJsonText('{\n "a": ' + '['.repeat(3000) + ']'.repeat(3000) + '}', 'deep.json'));
    expect(e.path).toBe('deep.json');
    expect(e.message).toContain(`nesting deeper than ${MAX_JSON_DEPTH} levels at line 2 column ${6 + MAX_JSON_DEPTH}`);
  });

  it('calls an empty or blank text an empty file', () => {
    expect(thrownScenarioError(() => parseJsonText(' \n', 'f.json')).message).toBe('f.json: got an empty file, expected a JSON document');
  });

  it('counts brackets inside strings as text, not nesting', () => {
    expect(parseJsonText(JSON.stringify({ a: '['.repeat(500) }), 'f.json')).toEqual({ a: '['.repeat(500) });
    expect(parseJsonText(JSON.stringify({ a: '\\"[[[' }), 'f.json')).toEqual({ a: '\\"[[[' });
  });

  it('locates a syntax error by line and column and never quotes the text', () => {
    const cases: [string, string][] = [
      ['{\n  "seed": SECRET,\n  "a": 1\n}\n', 'unexpected character at line 2 column 11'],
      ['{\n  "name": "SECRET",,\n}\n', 'at line 2 column 20'],
      ['{"SECRET": 1} SECRET', 'unexpected non-whitespace character after JSON at line 1 column 15'],
      ['{"SECRET": tru}', 'unexpected character at line 1 column 15'],
      ['{"SECRET": 1', 'the text ends early'],
      ['"SECRET', 'the text ends early'],
      ['\u0000\u0001SECRET', 'unexpected character at line 1 column 1'],
      ['{', 'the text ends early'],
    ];
    for (const [text, where] of cases) {
      const e = thrownScenarioError(() => parseJsonText(text, 'bad.json'), text);
      expect(e.message).toContain('bad.json: got invalid JSON (');
      expect(e.message).toContain(where);
      expect(e.message).not.toContain('SECRET');
    }
  });

  it('locates an error that V8 gives no position for without re-parsing prefixes (a 60 MB file took a minute)', () => {
    // "Unexpected token 'x', ... is not valid JSON" carries no position: it used to be found by
    // a binary search over prefixes, each parsed whole (about 26 parses of up to the file's size).
    const text = '{"a": [' + '1,'.repeat(200_000) + ' x]}';
    const parse = vi.spyOn(JSON, 'parse');
    try {
      const e = thrownScenarioError(() => parseJsonText(text, 'big.json'));
      expect(e.message).toContain(`unexpected character at line 1 column ${text.indexOf('x') + 1}`);
      expect(parse.mock.calls.length).toBeLessThanOrEqual(1);
    } finally {
      parse.mockRestore();
    }
  });

  it('puts the error where JSON.parse does, on each kind of mistake', () => {
    const cases = [
      '{"a": SECRET}', '{"a": tru}', '{"a": nul}', '{"a": falsey}', '[1, 2,]', '[1 2]', '{"a" 1}', '{"a": 1,}', '{a: 1}',
      '[01]', '[1.]', '[1.e5]', '[1e]', '[1e+]', '[-]', '[-x]', '[+1]', '[.5]', '["a\\x"]', '["\\u12G4"]', '["a\tb"]',
      '{"a": [1, {"b": 2]}', '{"a": 1]', '[1}', '{"a": 1} x', '[1] [2]', '\u00a0{}', '{"a":\u00a0 1}', "{'a': 1}", '[NaN]',
      '[Infinity]', '[1, /* c */ 2]', '{"a": "b" "c"}', '{"a": "\\', '[1, 2', '{"a"', '"abc', '[tr', '[-', '[1e', '[1.',
    ];
    for (const text of cases) {
      let v8 = -1;
      try {
        JSON.parse(text);
      } catch (err) {
        const m = /at position (\d+)/.exec((err as Error).message);
        if (m) v8 = Number(m[1]);
      }
      const e = thrownScenarioError(() => parseJsonText(text, 'bad.json'), text);
      expect(e.message, text).not.toContain('SECRET');
      if (v8 >= 0 && v8 < text.length) expect(e.message, text).toContain(`line 1 column ${v8 + 1})`);
      if (v8 >= text.length) expect(e.message, text).toContain('the text ends early');
    }
  });
});

