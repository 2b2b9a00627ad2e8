import { describe, expect, it } from 'vitest';
import { Histogram } from '../../src/metrics/histogram.js';
import { Welford } from '../../src/metrics/welford.js';
import { createStream } from '../../src/random/rng.js';

describe('Histogram', () => {
  it('quantile(q) is within 1% of the exact nearest-rank quantile', () => {
    const rng = createStream(3, 'test');
    const h = new Histogram();
    const xs: number[] = [];
    for (let i = 0; i < 100_000; i++) {
      const x = Math.exp(rng.next() * 20 - 8); // 3e-4 .. 1.6e5 ms, log-uniform
      xs.push(x);
      h.record(x);
    }
    xs.sort((a, b) => a - b);
    for (const q of [0.001, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999, 1]) {
      const exact = xs[Math.ceil(q * xs.length) - 1];
      expect(Math.abs(h.quantile(q) / exact - 1)).toBeLessThanOrEqual(0.01);
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

  it('uses fixed memory whatever the number of records', () => {
    const h = new Histogram();
    const before = h.counts.length;
    for (let i = 0; i < 1e5; i++) h.record(i);
    expect(h.counts.length).toBe(before);
    expect(before).toBeLessThan(3000);
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
  it('puts every value in bucket 1 + floor(ln(x / 1e-6) / ln 1.02), the definition, without calling Math.log', () => {
    const rng = createStream(9, 'buckets');
    const lnGamma = Math.log(1.02), lnMin = Math.log(1e-6);
    const values: number[] = [];
    for (let i = 0; i < 50_000; i++) values.push(Math.exp(lnMin + rng.next() * 41));
    // Values at and right around bucket edges, where rounding could disagree.
    for (let b = 1; b < 2000; b += 7) {
      const edge = Math.exp(lnMin + b * lnGamma);
      values.push(edge, edge * (1 + 2 ** -52), edge * (1 - 2 ** -52));
    }
    for (const x of values) {
      const h = new Histogram();
      h.record(x);
      const expected = Math.min(h.counts.length - 1, 1 + Math.floor((Math.log(x) - lnMin) * (1 / lnGamma)));
      expect(h.counts[expected], `x = ${x}`).toBe(1);
    }
  });
});
