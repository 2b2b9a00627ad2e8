/**
 * Smooth weighted round robin: the indexed form (per-weight heaps) against the definition's scan
 * over long runs — every pick the same, through rebuilds that change eligibility and weights,
 * with integer weights (indexed), fractional ones (the scan's arithmetic) and mixes.
 */
import { describe, expect, it } from 'vitest';
import { indexedWeightedRoundRobin, scanWeightedRoundRobin } from '../../src/balancers/weighted-round-robin.js';
import { createStream } from '../../src/random/rng.js';
import { EligibleIndex } from '../../src/balancers/eligible.js';
import { fakeContext } from './fake-context.js';

/** `picks` picks of both forms over twin contexts; every `every` picks a random server's eligibility or weight changes, then rebuild(). */
function run(weights: number[], picks: number, every: number, newWeight: (u: number) => number, { pickLimit = Infinity, indexed = false } = {}): [number[], number[]] {
  const n = weights.length, fakes = [fakeContext(n, { weights }), fakeContext(n, { weights })];
  // With `indexed`, the context carries the model's eligible index (kept in step below), as HealthView's does.
  const index = indexed ? new EligibleIndex(fakes[1].ctx.eligible) : undefined;
  if (index) fakes[1].ctx = { ...fakes[1].ctx, eligibleIndex: index };
  const bs = [scanWeightedRoundRobin(fakes[0].ctx), indexedWeightedRoundRobin(fakes[1].ctx, pickLimit)];
  const script = createStream(5, 'wrr');
  const out: [number[], number[]] = [[], []];
  for (let p = 0; p < picks; p++) {
    if (p > 0 && p % every === 0) {
      const s = Math.floor(script.next() * n), u = script.next(), w = newWeight(script.next());
      for (const f of fakes) {
        if (u >= 0.5) f.ctx.weights[s] = w;
        else if (f.ctx.eligibleIndex) f.ctx.eligibleIndex.set(s, f.ctx.eligible[s] ^ 1);
        else f.ctx.eligible[s] ^= 1;
      }
      for (const b of bs) b.rebuild!(s);
    }
    out[0].push(bs[0].pick(0));
    out[1].push(bs[1].pick(0));
  }
  return out;
}

describe('weighted-round-robin: indexed = scan', () => {
  const rng = createStream(8, 'weights');
  const small = Array.from({ length: 200 }, () => [1, 2, 3, 5][Math.floor(rng.next() * 4)]);

  it('integer weights from a few classes, 20,000 picks with a change every 997', () => {
    const [a, b] = run(small, 20_000, 997, (u) => 1 + Math.floor(u * 4));
    expect(b).toEqual(a);
    // every weight-w server gets w shares: over the first full rotation (before any change) counts are exact
    const total = small.reduce((x, y) => x + y, 0), counts = new Array(200).fill(0);
    for (let p = 0; p < total; p++) counts[a[p]]++;
    expect(counts).toEqual(small);
  });

  it('equal weights: round robin by id', () => {
    const [a, b] = run(new Array(100).fill(3), 1_000, 10_000, () => 3);
    expect(b).toEqual(a);
    expect(a.slice(0, 200)).toEqual([...Array.from({ length: 100 }, (_, s) => s), ...Array.from({ length: 100 }, (_, s) => s)]);
  });

  it('weights that become fractional (slow start) and integer again, and zero weights', () => {
    const [a, b] = run(small.map((w, s) => (s % 17 === 0 ? 0 : w)), 20_000, 331, (u) => (u < 0.3 ? 0.1 + u : u < 0.4 ? 0 : Math.ceil(u * 6)));
    expect(b).toEqual(a);
  });

  it('equal weights with servers leaving and coming back: the i-th eligible server from the eligible index', () => {
    // changes far enough apart for whole rotations to pass between them
    const [a, b] = run(new Array(100).fill(2), 20_000, 457, () => 2, { indexed: true });
    expect(b).toEqual(a);
    const [c, d] = run(small, 20_000, 1_499, (u) => 1 + Math.floor(u * 4), { indexed: true });
    expect(d).toEqual(c);
  });

  it("hands over to the scan mid-run with the scan's own currents (pickLimit)", () => {
    for (const limit of [1, 7, 500, 1_234]) {
      const [a, b] = run(small, 5_000, 2_003, (u) => 1 + Math.floor(u * 4), { pickLimit: limit });
      expect(b).toEqual(a);
      const [c, d] = run(new Array(100).fill(1), 3_000, 1_001, () => 1, { pickLimit: limit, indexed: true });
      expect(d).toEqual(c);
    }
  });

  it('no eligible server: -1, like the scan', () => {
    const fake = fakeContext(40);
    fake.ctx.eligible.fill(0);
    const b = indexedWeightedRoundRobin(fake.ctx);
    expect(b.pick(0)).toBe(-1);
    fake.ctx.eligible[7] = 1;
    b.rebuild!(7);
    expect([b.pick(0), b.pick(0)]).toEqual([7, 7]);
  });

  it('eligibility changed without rebuild(): never an ineligible server', () => {
    const fake = fakeContext(64);
    const b = indexedWeightedRoundRobin(fake.ctx);
    for (let p = 0; p < 10; p++) b.pick(0);
    fake.ctx.eligible[10] = 0;
    const got = Array.from({ length: 200 }, () => b.pick(0));
    expect(got).not.toContain(10);
    expect(new Set(got).size).toBe(63);
  });
});
