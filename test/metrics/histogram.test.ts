import { describe, expect, it } from 'vitest';
import { Histogram } from '../../src/metrics/histogram.js';
import { Welford } from '../../src/metrics/welford.js';
import { createStream } from '../../src/random/rng.js';

describe('Histogram', () => {
  it.each([[1, 0.1], [2, 0.01], [3, 0.001], [4, 0.0001]])('with %i significant digits, quantile(q) is within %f of the exact nearest-rank quantile', (digits, error) => {
    const rng = createStream(3, 'test');
    const h = new Histogram(digits);
    const xs: number[] = [];
    for (let i = 0; i < 100_000; i++) {
      const x = Math.exp(rng.next() * 20 - 8); // 3e-4 .. 1.6e5 ms, log-uniform
      xs.push(x);
      h.record(x);
    }
    xs.sort((a, b) => a - b);
    for (const q of [0.001, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999, 1]) {
      const exact = xs[Math.ceil(q * xs.length) - 1];
      expect(Math.abs(h.quantile(q) / exact - 1)).toBeLessThanOrEqual(error);
    }
    expect(h.quantile(1)).toBe(xs[xs.length - 1]);
    expect(h.min).toBe(xs[0]);
  });

  it('reports exact values for a constant stream and 0 when empty', () => {
    const h = new Histogram();
    expect(h.quantile(0.5)).toBe(0);
    for (let i = 0; i < 10; i++) h.record(7.25);
    expect(h.quantile(0.5)).toBe(7.25);
    expect(h.quantile(0.99)).toBe(7.25);
  });

  it('handles zero and huge values without NaN', () => {
    const h = new Histogram();
    h.record(0);
    h.record(1e15);
    expect(h.quantile(0.5)).toBe(0);
    expect(h.quantile(1)).toBe(1e15);
  });

  it('merge(other) equals recording both streams into one', () => {
    const a = new Histogram(), b = new Histogram(), both = new Histogram();
    for (let i = 1; i <= 1000; i++) {
      (i % 2 ? a : b).record(i);
      both.record(i);
    }
    a.merge(b);
    expect(a.quantile(0.9)).toBe(both.quantile(0.9));
    expect(a.count).toBe(1000);
  });

  it('uses fixed memory whatever the number of records: ~20,700 buckets at the default 3 digits', () => {
    const h = new Histogram();
    expect(h.significantDigits).toBe(3);
    const before = h.counts.length;
    for (let i = 0; i < 1e5; i++) h.record(i);
    expect(h.counts.length).toBe(before);
    expect(before).toBeLessThan(21_000);
    expect(new Histogram(2).counts.length).toBeLessThan(2100);
  });

  it('resolves percentiles 0.1% apart at the default 3 digits, where 2 digits report 1% steps', () => {
    // 1,000 values 0.05% apart (100 … ~165 ms): the percentiles of a 2-digit histogram take ~25
    // distinct values (one per 2% bucket), those of the default ~250 (one per 0.2% bucket).
    const distinct = (h: Histogram) => {
      for (let i = 0; i < 1000; i++) h.record(100 * 1.0005 ** i);
      return new Set(Array.from({ length: 999 }, (_, i) => h.quantile((i + 1) / 1000))).size;
    };
    expect(distinct(new Histogram(2))).toBeLessThan(30);
    expect(distinct(new Histogram())).toBeGreaterThan(240);
  });

  it('refuses a precision it cannot keep, and merging histograms of different precisions', () => {
    for (const digits of [0, 5, 2.5, NaN]) expect(() => new Histogram(digits)).toThrow(/significantDigits.*from 1 to 4/);
    expect(() => new Histogram(2).merge(new Histogram(3))).toThrow(/cannot merge/);
  });
});

describe('Welford', () => {
  it('computes mean and sample variance like the two-pass formula', () => {
    const w = new Welford();
    const xs = [1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16];
    for (const x of xs) w.add(x);
    expect(w.mean).toBe(1e9 + 10);
    expect(w.variance).toBeCloseTo(30, 9);
    expect(w.count).toBe(4);
  });
});

describe('Histogram bucketing', () => {
  it.each([[1, 1.2], [2, 1.02], [3, 1.002], [4, 1.0002]])('with %i digits puts every value in bucket 1 + floor(ln(x / 1e-6) / ln %f), the definition, without calling Math.log', (digits, gamma) => {
    const rng = createStream(9, 'buckets');
    const lnGamma = Math.log(gamma), lnMin = Math.log(1e-6);
    const values: number[] = [];
    for (let i = 0; i < 50_000; i++) values.push(Math.exp(lnMin + rng.next() * 41));
    // Values at and right around bucket edges, where rounding could disagree.
    const top = 0.8 * Math.log(1e18) / lnGamma;
    for (let b = 1; b < top; b += Math.ceil(top / 1500)) {
      const edge = Math.exp(lnMin + b * lnGamma);
      values.push(edge, edge * (1 + 2 ** -52), edge * (1 - 2 ** -52));
    }
    const h = new Histogram(digits);
    const wrong: number[] = [];
    for (const x of values) {
      const expected = Math.min(h.counts.length - 1, 1 + Math.floor((Math.log(x) - lnMin) * (1 / lnGamma)));
      const before = h.counts[expected];
      h.record(x);
      if (h.counts[expected] !== before + 1) wrong.push(x);
    }
    expect(wrong).toEqual([]);
  });
});

describe('Histogram last-bucket shortcut', () => {
  it.each([1, 2, 3, 4])('with %i digits, a value in the last looked-up bucket [lo, hi) counts there as the lookup would: both sides of every edge, looked up and taken from the shortcut', (digits) => {
    const h = new Histogram(digits);
    const edge = (h as unknown as { edge: Float64Array }).edge, n = h.counts.length;
    const bits = new Float64Array(1), word = new BigInt64Array(bits.buffer);
    const below = (x: number) => { bits[0] = x; word[0] -= 1n; return bits[0]; };
    const wrong: string[] = [];
    const expectIn = (x: number, b: number) => {
      const before = h.counts[b];
      h.record(x);
      if (h.counts[b] !== before + 1) wrong.push(`${x} not in ${b}`);
    };
    for (let b = 2; b < n - 1; b++) {
      h.record(edge[b] < 1 ? 1e6 : 1e-5); // far away: the shortcut holds another bucket
      expectIn(below(edge[b]), b - 1); // looked up
      expectIn(edge[b], b); // looked up (the shortcut held b − 1)
      expectIn(below(edge[b + 1]), b); // the shortcut
      expectIn(edge[b], b); // the shortcut
    }
    expect(wrong).toEqual([]);
    expect(h.count).toBe(5 * (n - 3));
  });
});
