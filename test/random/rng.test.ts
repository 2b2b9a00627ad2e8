import { describe, expect, it } from 'vitest';
import { createBaselineStream, createStream, randomInt, Xoshiro128, type Rng } from '../../src/random/rng.js';
import { createDistribution } from '../../src/random/distributions.js';

const take = (rng: Rng, n: number): number[] => Array.from({ length: n }, () => rng.next());

describe('createStream', () => {
  it('createStream(seed, name) replays the same sequence for the same seed and name', () => {
    expect(take(createStream(1, 'arrivals'), 1000)).toEqual(take(createStream(1, 'arrivals'), 1000));
  });

  it('different names or seeds give different sequences', () => {
    const base = take(createStream(1, 'arrivals'), 100);
    expect(take(createStream(1, 'service'), 100)).not.toEqual(base);
    expect(take(createStream(2, 'arrivals'), 100)).not.toEqual(base);
  });

  it('next() returns values in [0, 1) with mean 1/2', () => {
    const n = 200_000;
    const xs = take(createStream(7, 'uniform'), n);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = xs.reduce((s, x) => s + x, 0) / n;
    expect(Math.abs(mean - 0.5)).toBeLessThan((4 * Math.sqrt(1 / 12)) / Math.sqrt(n));
  });
});

describe('createBaselineStream', () => {
  it('createBaselineStream(seed, k) is deterministic and in [0, 1)', () => {
    const a = take(createBaselineStream(1, 0), 600); // crosses a 256-value block boundary
    expect(a).toEqual(take(createBaselineStream(1, 0), 600));
    expect(a.every((x) => x >= 0 && x < 1)).toBe(true);
    // The baselines' first inter-arrival time at rate 14.4: −ln(1 − u)/14.4.
    const first = -Math.log(1 - a[0]) / 14.4;
    expect(Number.isFinite(first) && first >= 0).toBe(true);
  });

  it('the inter-arrival stream (k = 0) and the service stream (k = 1) differ', () => {
    expect(take(createBaselineStream(1, 1), 100)).not.toEqual(take(createBaselineStream(1, 0), 100));
  });
});

describe('randomInt', () => {
  it('randomInt(rng, n) returns every integer in [0, n) and nothing else', () => {
    const rng = createStream(3, 'int');
    const seen = new Set<number>();
    for (let i = 0; i < 10_000; i++) seen.add(randomInt(rng, 7));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});

describe('Xoshiro128.exp', () => {
  it('is −ln(1 − u) of the stream position it takes, mixed with next() in any order across blocks', () => {
    const plain = createStream(5, 'exp');
    const mixed = createStream(5, 'exp') as Xoshiro128;
    const pattern = createStream(6, 'pattern');
    for (let i = 0; i < 2_000; i++) {
      const u = plain.next();
      if (pattern.next() < 0.5) expect(mixed.next()).toBe(u);
      else expect(mixed.exp()).toBe(-Math.log(1 - u));
    }
  });

  it('gives an exponential distribution the same draws as inversion from another Rng', () => {
    const dist = createDistribution({ dist: 'exponential', meanMs: 7 });
    const ours = createStream(8, 'service');
    const copy = createStream(8, 'service');
    const other: Rng = { next: () => copy.next() }; // not a Xoshiro128: the inversion branch
    for (let i = 0; i < 1_000; i++) expect(dist.sample(ours)).toBe(dist.sample(other));
  });
});
