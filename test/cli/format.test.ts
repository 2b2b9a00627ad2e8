import { describe, expect, it } from 'vitest';
import { csv, fmt, percent, table } from '../../src/cli/format.js';
import { parseSeeds } from '../../src/cli/main.js';
import { ScenarioError } from '../../src/input/check.js';

describe('table', () => {
  it('the first column is left-aligned and the others right-aligned, two spaces apart', () => {
    expect(table([['name', 'n'], ['a', '100'], ['long name', '7']])).toBe(
      'name         n\n' +
      'a          100\n' +
      'long name    7\n',
    );
  });

  it('with left every column is left-aligned and trailing spaces are trimmed', () => {
    expect(table([['a', 'bb', 'c'], ['ccc', 'd', '']], true)).toBe('a    bb  c\nccc  d\n');
  });

  it('a row shorter than the header is padded as if the missing cells were empty', () => {
    const out = table([['x', 'yy'], ['1']]);
    expect(out.split('\n')).toEqual(['x  yy', '1', '']);
  });

  it('every line has the same width before trimming, so columns line up', () => {
    const lines = table([['balancer', 'p99 ms'], ['round-robin', '12.5'], ['p2c', '3']]).trimEnd().split('\n');
    const ends = lines.map((l) => l.length);
    expect(new Set(ends).size).toBe(1);
  });
});

describe('csv', () => {
  it('plain cells are written as they are, one row per line, numbers unquoted', () => {
    expect(csv([['a', 'b'], [1, 2.5]])).toBe('a,b\n1,2.5\n');
  });

  it('cells with commas, quotes or newlines are quoted and quotes doubled', () => {
    expect(csv([['a,b', 'say "hi"', 'two\nlines', 'plain']])).toBe('"a,b","say ""hi""","two\nlines",plain\n');
  });

  it('empty cells stay empty', () => {
    expect(csv([['', 'x', '']])).toBe(',x,\n');
  });
});

describe('fmt', () => {
  it('keeps four significant digits for everyday magnitudes', () => {
    expect(fmt(3.14159)).toBe('3.142');
    expect(fmt(12.345678)).toBe('12.35');
    expect(fmt(0.012345)).toBe('0.01235');
    expect(fmt(1234.5)).toBe('1235');
    expect(fmt(-2.5)).toBe('-2.5');
  });

  it('rounds numbers of five or more integer digits to whole numbers', () => {
    expect(fmt(12345.6)).toBe('12346');
    expect(fmt(999_999.4)).toBe('999999');
  });

  it('uses an exponent for very large and very small numbers', () => {
    expect(fmt(1e6)).toBe('1.00e+6');
    expect(fmt(0.0001234)).toBe('1.23e-4');
  });

  it('prints zero as 0 and non-finite values as a dash', () => {
    expect(fmt(0)).toBe('0');
    expect(fmt(-0)).toBe('0');
    expect(fmt(NaN)).toBe('-');
    expect(fmt(Infinity)).toBe('-');
  });

  it('the number of digits can be chosen', () => {
    expect(fmt(3.14159, 2)).toBe('3.1');
  });
});

describe('percent', () => {
  it('prints a fraction as a percentage with two decimals', () => {
    expect(percent(0.5)).toBe('50.00%');
    expect(percent(0.12345)).toBe('12.35%');
    expect(percent(1)).toBe('100.00%');
    expect(percent(0)).toBe('0.00%');
  });

  it('keeps three decimals for tiny positive fractions so they do not read as zero', () => {
    expect(percent(0.0005)).toBe('0.050%');
  });

  it('prints non-finite values as a dash', () => {
    expect(percent(NaN)).toBe('-');
  });
});

describe('parseSeeds', () => {
  it('a range a..b gives every seed from a to b', () => {
    expect(parseSeeds('1..3')).toEqual([1, 2, 3]);
    expect(parseSeeds('7..7')).toEqual([7]);
    expect(parseSeeds('0..1')).toEqual([0, 1]);
  });

  it('a comma-separated list gives those seeds in order', () => {
    expect(parseSeeds('5,2,9')).toEqual([5, 2, 9]);
    expect(parseSeeds('42')).toEqual([42]);
  });

  it('a decreasing range is rejected naming --seeds and the value', () => {
    expect(() => parseSeeds('5..1')).toThrow(ScenarioError);
    expect(() => parseSeeds('5..1')).toThrow(/--seeds: got "5\.\.1"/);
  });

  it('a range of more than 10000 seeds is rejected', () => {
    expect(() => parseSeeds('1..10000')).not.toThrow();
    expect(() => parseSeeds('1..10001')).toThrow(/at most 10000 seeds/);
  });

  it('non-integers, negatives and words are rejected', () => {
    for (const bad of ['x', '1.5', '-1', '1,two', '4294967296', '1...3']) {
      expect(() => parseSeeds(bad), bad).toThrow(ScenarioError);
    }
  });
});
