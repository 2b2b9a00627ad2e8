/**
 * Smooth weighted round robin's index at its limits: 64 and 65 classes (the counters' bound
 * until the tournament took many classes), the weight bound (2²¹ and 2²¹ + 1), exactly 32 servers, rebuilds between every pick, instances
 * sharing one context as a fleet's do, and the largest weights over 1.3 million picks — every
 * pick the same as the definition's scan.
 */
import { describe, expect, it } from 'vitest';
import { indexedWeightedRoundRobin, scanWeightedRoundRobin } from '../../src/balancers/weighted-round-robin.js';
import type { Balancer } from '../../src/balancers/balancer.js';
import { createStream } from '../../src/random/rng.js';
import { fakeContext } from './fake-context.js';

/**
 * `instances` indexed balancers and their scan twins over two twin contexts; `picks` rounds in
 * which, with probability `change`, one server's eligibility or weight (from `weight`) changes and
 * every balancer is told (rebuild of that server or of all, alternately), then each instance picks.
 */
function twins(weights: number[], picks: number, change: number, weight: (u: number) => number, instances = 1, seed = 3): void {
  const n = weights.length, fakes = [fakeContext(n, { weights }), fakeContext(n, { weights })];
  const scan: Balancer[] = [], indexed: Balancer[] = [];
  for (let b = 0; b < instances; b++) {
    scan.push(scanWeightedRoundRobin(fakes[0].ctx));
    indexed.push(indexedWeightedRoundRobin(fakes[1].ctx));
  }
  const script = createStream(seed, 'wrr-limits');
  const got: number[] = [], want: number[] = [];
  for (let p = 0; p < picks; p++) {
    if (script.next() < change) {
      const s = Math.floor(script.next() * n), u = script.next(), w = weight(script.next());
      for (const f of fakes) {
        if (u < 0.5) f.ctx.eligible[s] ^= 1;
        else f.ctx.weights[s] = w;
      }
      for (const b of [...scan, ...indexed]) b.rebuild!(p % 2 === 0 ? s : undefined);
    }
    for (let b = 0; b < instances; b++) {
      want.push(scan[b].pick(0));
      const s = indexed[b].pick(0);
      got.push(s);
      if (s >= 0) {
        expect(fakes[1].ctx.eligible[s]).toBe(1);
        expect(fakes[1].ctx.weights[s]).toBeGreaterThan(0);
      }
    }
  }
  expect(got).toEqual(want);
}

describe('weighted-round-robin: the index at its limits = scan', () => {
  it('exactly 32 servers, a change before every pick, weights including 0', () => {
    const rng = createStream(1, 'w32');
    const w = Array.from({ length: 32 }, () => Math.floor(rng.next() * 4));
    twins(w, 5_000, 1, (u) => Math.floor(u * 4));
  });

  it('weights 2^21 (indexed) and 2^21 + 1 (the scan) coming and going', () => {
    const big = 2 ** 21;
    twins(Array.from({ length: 40 }, (_, s) => big - (s % 3)), 4_000, 0.05, (u) => (u < 0.2 ? big + 1 : u < 0.3 ? 0 : big - Math.floor(u * 3)));
  });

  it('64 classes and 65 (both the tournament), the 65th weight coming and going', () => {
    const w = Array.from({ length: 130 }, (_, s) => 1 + (s % 64));
    twins(w, 6_000, 0.02, (u) => (u < 0.5 ? 65 : 1 + Math.floor(u * 64)));
  });

  it('every server ineligible, then one, then all again', () => {
    const fakes = [fakeContext(48), fakeContext(48)];
    const bs = [scanWeightedRoundRobin(fakes[0].ctx), indexedWeightedRoundRobin(fakes[1].ctx)];
    const script = createStream(4, 'wrr-all-off');
    for (let round = 0; round < 200; round++) {
      const one = Math.floor(script.next() * 48), weight = 1 + Math.floor(script.next() * 3), phase = round % 3;
      for (const f of fakes) {
        if (phase === 0) f.ctx.eligible.fill(0);
        else if (phase === 1) f.ctx.eligible[one] = 1;
        else f.ctx.eligible.fill(1);
        f.ctx.weights[one] = weight;
      }
      for (const b of bs) b.rebuild!(phase === 1 ? one : -1);
      for (let p = 0; p < 5; p++) {
        const want = bs[0].pick(0);
        expect(bs[1].pick(0)).toBe(want);
        if (phase === 0) expect(want).toBe(-1);
        if (phase === 1) expect(want).toBe(one);
      }
    }
  });

  it('a fleet: three instances over one context, interleaved, each = its own scan', () => {
    const rng = createStream(6, 'fleet-weights');
    twins(Array.from({ length: 100 }, () => 1 + Math.floor(rng.next() * 5)), 3_000, 0.03, (u) => Math.floor(u * 6), 3);
  });

  it('the largest weights, 1.3 million picks: every pick the scan of the weights scaled down, no hand-over', () => {
    // 1,100 servers of weight 2^21 and 1,100 of 2^20 (total T = 3,300 · 2^20): values reach
    // k·2^21 + T, exact until k = (2^52 − T) / 2^21 ≈ 2.1·10^9 picks, where the index would hand
    // over to the scan (the hand-over itself: the pickLimit tests). Smooth WRR is scale-free (exact
    // integers: weights c·w give the same picks as w) and repeats every Σw picks, so every pick must
    // be the scan of weights 2 and 1 (period 3,300) at the same position in its period.
    const n = 2_200, w = Array.from({ length: n }, (_, s) => (s % 2 === 0 ? 2 ** 21 : 2 ** 20));
    const small = fakeContext(n, { weights: w.map((x) => x / 2 ** 20) });
    const period = 3_300, ref = new Int32Array(period), scan = scanWeightedRoundRobin(small.ctx);
    for (let p = 0; p < period; p++) ref[p] = scan.pick(0);
    expect(scan.pick(0)).toBe(ref[0]); // the period is right
    const limit = 1_301_505; // where the bound k·T < 2^52 of the counters' first form handed over
    const b = indexedWeightedRoundRobin(fakeContext(n, { weights: w }).ctx);
    let wrong = 0, first = -1;
    for (let p = 0; p < limit + 3 * period; p++) {
      if (b.pick(0) !== ref[p % period] && wrong++ === 0) first = p;
    }
    expect({ wrong, first, scanning: b.scanning }).toEqual({ wrong: 0, first: -1, scanning: false });
  });
});
