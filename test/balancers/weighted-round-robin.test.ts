/**
 * Smooth weighted round robin: the indexed form (per-weight heaps) against the definition's scan
 * over long runs — every pick the same, through rebuilds that change eligibility and weights,
 * with integer weights (indexed), fractional ones (the scan's arithmetic) and mixes.
 */
import { describe, expect, it } from 'vitest';
import { indexedWeightedRoundRobin, scanWeightedRoundRobin, TREE_FROM } from '../../src/balancers/weighted-round-robin.js';
import { createStream } from '../../src/random/rng.js';
import { EligibleIndex } from '../../src/balancers/eligible.js';
import { fakeContext } from './fake-context.js';

/** `picks` picks of both forms over twin contexts; every `every` picks a random server's eligibility or weight changes, then rebuild(). */
function run(weights: number[], picks: number, every: number, newWeight: (u: number) => number, { pickLimit = Infinity, indexed = false, counts = false } = {}): [number[], number[]] {
  const n = weights.length, fakes = [fakeContext(n, { weights }), fakeContext(n, { weights })];
  // With `indexed`, the context carries the model's eligible index (kept in step below), as HealthView's does.
  const index = indexed ? new EligibleIndex(fakes[1].ctx.eligible) : undefined;
  if (index) fakes[1].ctx = { ...fakes[1].ctx, eligibleIndex: index };
  const indexedForm = indexedWeightedRoundRobin(fakes[1].ctx, pickLimit), bs = [scanWeightedRoundRobin(fakes[0].ctx), indexedForm];
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
    // `counts`: integer weights all along, so the counters (or the tournament) never hand over to the scan
    if (counts && indexedForm.scanning) throw new Error(`pick ${p}: handed over to the scan`);
  }
  return out;
}

describe('weighted-round-robin: indexed = scan', () => {
  const rng = createStream(8, 'weights');
  const small = Array.from({ length: 200 }, () => [1, 2, 3, 5][Math.floor(rng.next() * 4)]);

  it('integer weights from a few classes, 20,000 picks with a change every 997', () => {
    const [a, b] = run(small, 20_000, 997, (u) => 1 + Math.floor(u * 4), { counts: true });
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

  // From TREE_FROM classes a kinetic tournament over the classes picks (kinetic-max.ts).
  it('many classes (the tournament): distinct integer weights, 30,000 picks through changes, period restarts and hand-over', () => {
    const distinct = Array.from({ length: 300 }, (_, s) => 1 + ((s * 7919) % 300)); // 300 classes, ids and weights shuffled
    const [a, b] = run(distinct, 30_000, 1_009, (u) => 1 + Math.floor(u * 400), { counts: true });
    expect(b).toEqual(a);
    // the first full rotation (45,150 picks would be one; 300 classes of one server each): shares exact over a period
    const mixed = Array.from({ length: 120 }, () => 1 + Math.floor(rng.next() * 40)); // ~40 classes of several servers
    const total = mixed.reduce((x, y) => x + y, 0);
    const [c, d] = run(mixed, 3 * total + 17, 10 ** 9, () => 1, { counts: true });
    expect(d).toEqual(c);
    const counts = new Array(120).fill(0);
    for (let p = 0; p < total; p++) counts[c[p]]++;
    expect(counts).toEqual(mixed);
    for (const limit of [1, 333, 2_500]) {
      const [e, f] = run(mixed, 6_000, 1_777, (u) => 1 + Math.floor(u * 50), { pickLimit: limit });
      expect(f).toEqual(e);
    }
  });

  it('classes crossing TREE_FROM both ways, zero and fractional weights among them, with the eligible index', () => {
    const near = Array.from({ length: 64 }, (_, s) => 1 + (s % TREE_FROM)); // TREE_FROM classes exactly
    const [a, b] = run(near, 20_000, 211, (u) => (u < 0.1 ? 0 : u < 0.15 ? 0.5 + u : 1 + Math.floor(u * (TREE_FROM + 3))), { indexed: true });
    expect(b).toEqual(a);
    const [c, d] = run(near, 20_000, 37, (u) => 1 + Math.floor(u * 2), { counts: true }); // classes merge until fewer than TREE_FROM
    expect(d).toEqual(c);
  });

  it('distinct weights, the heaviest servers leaving one by one and coming back: the tournament follows each rebuild', () => {
    const n = 48, weights = Array.from({ length: n }, (_, s) => 1 + ((s * 29) % n)); // 48 classes of one server
    const fakes = [fakeContext(n, { weights }), fakeContext(n, { weights })];
    const scan = scanWeightedRoundRobin(fakes[0].ctx), indexed = indexedWeightedRoundRobin(fakes[1].ctx);
    const order = Array.from({ length: n }, (_, s) => s).sort((a, b) => weights[b] - weights[a]);
    const flip = (s: number) => {
      for (const f of fakes) f.ctx.eligible[s] ^= 1;
      scan.rebuild!(s);
      indexed.rebuild!(s);
    };
    const compare = (picks: number) => {
      for (let p = 0; p < picks; p++) expect(indexed.pick(0)).toBe(scan.pick(0));
      expect(indexed.scanning).toBe(false);
    };
    for (const s of order.slice(0, 40)) { flip(s); compare(5); } // the one picked first after each restart leaves next
    for (const s of order.slice(0, 40).reverse()) { flip(s); compare(5); }
    compare(2_000);
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
