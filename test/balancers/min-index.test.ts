/**
 * MinIndex against brute force, and every indexed policy against its full scan: the same choices
 * from the same draws (random traffic, completions, latencies and eligibility changes), and random
 * ties as uniform as the original one-draw-per-tie (reservoir) scan.
 */
import { describe, expect, it } from 'vitest';
import type { Balancer, BalancerContext } from '../../src/balancers/balancer.js';
import { MinIndex, INDEX_FROM } from '../../src/balancers/min-index.js';
import { indexedLeastConnections, scanLeastConnections } from '../../src/balancers/least-connections.js';
import { indexedJoinShortestQueue, scanJoinShortestQueue } from '../../src/balancers/join-shortest-queue.js';
import { indexedLeastTime, scanLeastTime } from '../../src/balancers/least-time.js';
import { indexedFirst, scanFirst } from '../../src/balancers/first.js';
import { indexedWeightedRoundRobin, scanWeightedRoundRobin } from '../../src/balancers/weighted-round-robin.js';
import { latencyEwmaMetric } from '../../src/balancers/load-metric.js';
import { createStream } from '../../src/random/rng.js';
import { getBalancer } from '../../src/balancers/registry.js';
import { complete, create, fakeContext, send, told, type Fake } from './fake-context.js';

describe('MinIndex', () => {
  it('agrees with brute force on minimum, ties and k-th tie', () => {
    const rng = createStream(3, 'index');
    for (const n of [1, 2, 5, 8, 9, 33, 64, 65, 100, 513]) {
      const index = new MinIndex(n), keys = new Float64Array(n);
      for (let s = 0; s < n; s++) keys[s] = Math.floor(rng.next() * 4);
      index.load(keys);
      for (let step = 0; step < 2000; step++) {
        const s = Math.floor(rng.next() * n), u = rng.next();
        keys[s] = u < 0.15 ? Infinity : u < 0.3 ? Math.floor(rng.next() * 4) / 3 : Math.floor(rng.next() * 5);
        index.set(s, keys[s]);
        const finite = [...keys].filter((k) => k !== Infinity);
        const min = Math.min(...finite, Infinity);
        const tied = [...keys.keys()].filter((i) => keys[i] === min && min !== Infinity);
        expect(index.minimum()).toBe(min);
        expect(index.ties()).toBe(tied.length);
        const k = Math.floor(rng.next() * tied.length);
        if (tied.length > 0) expect(index.nthMinimum(k)).toBe(tied[k]);
      }
    }
  });
});

type Make = (ctx: BalancerContext) => Balancer;
const registered = (name: string, ctx: BalancerContext): Balancer => getBalancer(name)!.create(ctx, {}, 'balancer');

/**
 * Drives two balancers over twin contexts with the same traffic (sends, completions with
 * latencies, eligibility changes followed by rebuild()) and returns both pick sequences.
 */
function twins(n: number, scan: Make, indexed: Make, { weights, steps = 4000 }: { weights?: number[]; steps?: number } = {}): [number[], number[]] {
  const fakes = [fakeContext(n, { seed: 9, ...(weights ? { weights } : {}) }), fakeContext(n, { seed: 9, ...(weights ? { weights } : {}) })];
  const bs = [scan(fakes[0].ctx), indexed(fakes[1].ctx)];
  const picks: [number[], number[]] = [[], []];
  const script = createStream(21, 'script');
  const open: number[] = [];
  for (let step = 0; step < steps; step++) {
    fakes[0].time = fakes[1].time = step; // EWMA weights decay between samples
    const u = script.next();
    if (u < 0.02) {
      const s = Math.floor(script.next() * n), e = fakes[0].ctx.eligible[s] ^ 1;
      for (let i = 0; i < 2; i++) {
        fakes[i].ctx.eligible[s] = e;
        bs[i].rebuild?.();
      }
    } else if (u < 0.55 || open.length === 0) {
      const got = bs.map((b, i) => send(b, fakes[i]));
      picks[0].push(got[0]);
      picks[1].push(got[1]);
      if (got[0] >= 0) open.push(got[0]);
    } else {
      const j = Math.floor(script.next() * open.length), s = open[j], latency = 1 + Math.floor(script.next() * 8), ok = script.next() < 0.9;
      open[j] = open[open.length - 1];
      open.pop();
      for (let i = 0; i < 2; i++) complete(bs[i], fakes[i], s, latency, ok);
    }
  }
  return picks;
}

describe('indexed policies make the same choices as their full scans', () => {
  const n = 3 * INDEX_FROM + 5;
  const weights = Array.from({ length: n }, (_, s) => [0, 1, 2, 4][s % 4]);
  const cases: [string, Make, Make, { weights?: number[] }?][] = [
    ['least-connections', (c) => scanLeastConnections(c, false), (c) => indexedLeastConnections(c, false)],
    ['least-connections weighted', (c) => scanLeastConnections(c, true), (c) => indexedLeastConnections(c, true), { weights }],
    ['join-shortest-queue random ties', (c) => scanJoinShortestQueue(c, false), (c) => indexedJoinShortestQueue(c, false)],
    ['join-shortest-queue lowest id', (c) => scanJoinShortestQueue(c, true), (c) => indexedJoinShortestQueue(c, true)],
    ['least-time', (c) => scanLeastTime(c, latencyEwmaMetric(c, 50)), (c) => indexedLeastTime(c, latencyEwmaMetric(c, 50))],
    ['first maxConn 1', (c) => scanFirst(c, 1), (c) => indexedFirst(c, 1)],
    ['first maxConn 3', (c) => scanFirst(c, 3), (c) => indexedFirst(c, 3)],
    // A context marked shared makes a policy scan (see BalancerContext.shared).
    ['dynamic-weighted-round-robin', (c) => registered('dynamic-weighted-round-robin', { ...c, shared: true }), (c) => registered('dynamic-weighted-round-robin', c)],
    ['weighted-round-robin, equal weights', scanWeightedRoundRobin, indexedWeightedRoundRobin],
    ['weighted-round-robin, weights 0, 1, 2, 4', scanWeightedRoundRobin, indexedWeightedRoundRobin, { weights }],
    ['weighted-round-robin, 70 distinct weights (scans while more than 64 are eligible)', scanWeightedRoundRobin, indexedWeightedRoundRobin, { weights: Array.from({ length: n }, (_, s) => 1 + (s % 70)) }],
    ['weighted-round-robin, fractional weights (scans)', scanWeightedRoundRobin, indexedWeightedRoundRobin, { weights: Array.from({ length: n }, (_, s) => [0.1, 0.3, 1][s % 3]) }],
  ];
  for (const [name, scan, indexed, opts] of cases) {
    it(name, () => {
      const [a, b] = twins(n, scan, indexed, opts);
      expect(a.length).toBeGreaterThan(1500);
      expect(b).toEqual(a);
      expect(new Set(a).size).toBeGreaterThan(n / 2); // the traffic reached most servers
    });
  }

  it('least-connections weighted, equal weights (a counts index) and then told weights that differ or agree again: as the scan', () => {
    // Weight 0 on every 9th server, 2.5 elsewhere; server 7's weight becomes 5 (told alone or as a
    // whole-pool rebuild), later 2.5 again (the whole pool told): the index must follow each change.
    const n = 3 * INDEX_FROM + 5;
    for (const tell of ['one', 'all'] as const) {
      const weights = Array.from({ length: n }, (_, s) => (s % 9 === 0 ? 0 : 2.5));
      const fakes = [fakeContext(n, { seed: 4, weights }), fakeContext(n, { seed: 4, weights })];
      const bs = [scanLeastConnections(fakes[0].ctx, true), indexedLeastConnections(fakes[1].ctx, true)];
      const script = createStream(8, 'script'), open: number[] = [], picks: [number[], number[]] = [[], []];
      let seven = 0;
      for (let step = 0; step < 6000; step++) {
        if (step === 2000 || step === 4000) {
          for (let i = 0; i < 2; i++) {
            fakes[i].ctx.weights[7] = step === 2000 ? 5 : 2.5;
            if (tell === 'one' && step === 2000) bs[i].rebuild?.(7);
            else bs[i].rebuild?.();
          }
        }
        if (script.next() < 0.6 || open.length === 0) {
          const got = bs.map((b, i) => send(b, fakes[i]));
          picks[0].push(got[0]);
          picks[1].push(got[1]);
          if (got[0] >= 0) open.push(got[0]);
          if (got[0] === 7 && step >= 2000 && step < 4000) seven++;
        } else {
          const j = Math.floor(script.next() * open.length), s = open[j];
          open[j] = open[open.length - 1];
          open.pop();
          for (let i = 0; i < 2; i++) complete(bs[i], fakes[i], s, 1);
        }
      }
      expect(picks[1]).toEqual(picks[0]);
      expect(picks[0]).not.toContain(0); // weight 0: never chosen
      // Sends outnumber completions, so counts grow and weights matter: twice the weight, about
      // twice the share of the ~1,200 picks while it lasted (an equal share is ~13).
      expect(seven).toBeGreaterThan(20);
    }
  });

  it('least-connections weighted, one weight so small that open/w overflows to +Infinity: such a server is never chosen, as by the per-weight index', () => {
    // Weights of 1e-310 (valid: ≥ 0) make 1/w = +Infinity, a key the MinIndex never returns: once
    // every server has one open request there is none to choose, whether the weights were there
    // from the start or told one server at a time after all were 0. A counts index would go on.
    const n = INDEX_FROM + 8;
    for (const tell of ['start', 'one by one'] as const) {
      const fake = fakeContext(n, { weights: Array.from({ length: n }, () => (tell === 'start' ? 1e-310 : 0)) });
      const b = indexedLeastConnections(fake.ctx, true);
      if (tell === 'one by one') {
        expect(send(b, fake)).toBe(-1); // weight 0 everywhere
        for (let s = 0; s < n; s++) {
          fake.ctx.weights[s] = 1e-310;
          b.rebuild?.(s);
        }
      }
      const picks = Array.from({ length: n }, () => send(b, fake));
      expect(new Set(picks).size).toBe(n); // 0/w = 0: each server once
      expect(send(b, fake)).toBe(-1);
    }
    // The full scan (pools under INDEX_FROM, and large fleets) follows the same rule: it counted
    // +Infinity loads as ties of its initial +Infinity, so with every load infinite it returned
    // one of those servers (or -1 by chance of the draw) where the index returns -1.
    for (const size of [8, n]) {
      const fake = fakeContext(size, { seed: 3, weights: Array.from({ length: size }, () => 1e-310) });
      const scan = scanLeastConnections(fake.ctx, true);
      const picks = Array.from({ length: size }, () => send(scan, fake));
      expect(new Set(picks).size).toBe(size); // each server once while it has nothing open
      for (let i = 0; i < 5; i++) expect(send(scan, fake)).toBe(-1);
    }
  });

  it('least-time, counts and latencies told in any order (a latency alone, two counts in a row, a count and another server\'s latency, the whole pool, one server\'s eligibility): as the scan', () => {
    const n = 2 * INDEX_FROM + 3;
    const fakes = [fakeContext(n, { seed: 7 }), fakeContext(n, { seed: 7 })];
    const bs = [scanLeastTime(fakes[0].ctx, latencyEwmaMetric(fakes[0].ctx, 50)), indexedLeastTime(fakes[1].ctx, latencyEwmaMetric(fakes[1].ctx, 50))];
    const script = createStream(13, 'script'), open: number[] = [], picks: [number[], number[]] = [[], []];
    const both = (f: (b: Balancer, fake: Fake) => void): void => {
      for (let i = 0; i < 2; i++) f(bs[i], fakes[i]);
    };
    /** Takes a random open request's server off the list, or -1. */
    const close = (): number => {
      if (open.length === 0) return -1;
      const j = Math.floor(script.next() * open.length), s = open[j];
      open[j] = open[open.length - 1];
      open.pop();
      return s;
    };
    const tally = { alone: 0, counts: 0, crossed: 0, pool: 0, eligibility: 0 };
    for (let step = 0; step < 6000; step++) {
      fakes[0].time = fakes[1].time = step;
      const u = script.next(), latency = 1 + Math.floor(script.next() * 8), other = Math.floor(script.next() * n);
      if (u < 0.45 || open.length === 0) {
        const got = bs.map((b, i) => send(b, fakes[i]));
        picks[0].push(got[0]);
        picks[1].push(got[1]);
        if (got[0] >= 0) open.push(got[0]);
      } else if (u < 0.65) {
        const s = close();
        both((b, f) => complete(b, f, s, latency));
      } else if (u < 0.72) {
        tally.alone++; // a latency with no count change (a withdrawn copy's, or one whose count went earlier)
        const x = script.next() < 0.5 ? latency : NaN;
        both((b) => b.observe?.(other, x, true));
      } else if (u < 0.8) {
        tally.counts++; // two counts down, then the first one's latency
        const s = close(), t = close();
        both((b, f) => {
          for (const x of [s, t]) {
            if (x < 0) continue;
            f.ctx.outstanding[x]--;
            told(b, f, x);
          }
          if (s >= 0) b.observe?.(s, latency, true);
        });
      } else if (u < 0.9) {
        tally.crossed++; // a count down, then another server's latency
        const s = close();
        both((b, f) => {
          f.ctx.outstanding[s]--;
          told(b, f, s);
          b.observe?.(other, latency, true);
        });
      } else if (u < 0.95) {
        tally.pool++; // a count up at one server, then every server told at once
        const s = Math.floor(script.next() * n);
        open.push(s);
        both((b, f) => {
          f.ctx.outstanding[s]++;
          b.outstandingChanged?.(s);
          b.outstandingChanged?.(-1);
        });
      } else {
        tally.eligibility++; // a count down, then one server's eligibility
        const s = close();
        both((b, f) => {
          f.ctx.outstanding[s]--;
          told(b, f, s);
          f.ctx.eligible[other] ^= 1;
          b.rebuild?.(other);
        });
      }
    }
    expect(Math.min(...Object.values(tally))).toBeGreaterThan(100);
    expect(picks[0].length).toBeGreaterThan(2000);
    expect(picks[1]).toEqual(picks[0]);
    expect(new Set(picks[0]).size).toBeGreaterThan(n / 2);
  });

  it('the registered policies index from INDEX_FROM servers and still agree with a scan there', () => {
    for (const name of ['least-connections', 'join-shortest-queue', 'least-time', 'first']) {
      const shared = create(name, { ...fakeContext(INDEX_FROM), ctx: { ...fakeContext(INDEX_FROM).ctx, shared: true } });
      if (name === 'join-shortest-queue') {
        // Its index is over the pool's true load, not an instance's counts: a large fleet shares it, told once.
        expect(typeof shared.trueLoadChanged).toBe('function');
        expect(shared.fleetShared).toBe(true);
      } else expect(shared.outstandingChanged ?? shared.trueLoadChanged).toBeUndefined();
      const fake = fakeContext(INDEX_FROM);
      const b = create(name, fake);
      expect(typeof (b.outstandingChanged ?? b.trueLoadChanged)).toBe('function');
      const small = create(name, fakeContext(INDEX_FROM - 1));
      expect(small.outstandingChanged ?? small.trueLoadChanged).toBeUndefined();
    }
  });
});

/** The original scan's tie rule: one draw per tie (reservoir sampling). */
function reservoirLeastConnections(ctx: BalancerContext): Balancer {
  return {
    pick() {
      let best = -1, bestLoad = Infinity, ties = 0;
      for (let s = 0; s < ctx.size; s++) {
        if (ctx.eligible[s] !== 1) continue;
        const load = ctx.outstanding[s];
        if (load < bestLoad) {
          best = s; bestLoad = load; ties = 1;
        } else if (load === bestLoad && ctx.rng.next() * ++ties < 1) best = s;
      }
      return best;
    },
  };
}

describe('random ties', () => {
  it('the index spreads picks over tied servers as the reservoir scan does (chi-square homogeneity)', () => {
    // 200 servers, 12 of them tied at the minimum (some ineligible ones in between); 24,000 picks
    // each without sending. Homogeneity of the two 12-cell tallies: chi-square with 11 degrees of
    // freedom, below 31.26 with probability 0.999; each tally against uniform likewise.
    const n = 200, picks = 24_000;
    const setup = (fake: Fake): number[] => {
      const tied: number[] = [];
      for (let s = 0; s < n; s++) {
        fake.ctx.outstanding[s] = s % 17 === 3 ? 0 : 1 + (s % 5);
        if (s % 17 === 3) tied.push(s);
        if (s % 31 === 7) fake.ctx.eligible[s] = 0;
      }
      return tied.filter((s) => fake.ctx.eligible[s] === 1);
    };
    const fa = fakeContext(n, { seed: 5 }), fb = fakeContext(n, { seed: 6 });
    const tied = setup(fa);
    setup(fb);
    const a = indexedLeastConnections(fa.ctx, false), b = reservoirLeastConnections(fb.ctx);
    const ca = new Map<number, number>(tied.map((s) => [s, 0])), cb = new Map(ca);
    for (let i = 0; i < picks; i++) {
      const x = a.pick(0), y = b.pick(0);
      ca.set(x, ca.get(x)! + 1);
      cb.set(y, cb.get(y)! + 1);
    }
    expect(ca.size).toBe(tied.length);
    expect(cb.size).toBe(tied.length);
    expect(tied.length).toBe(12);
    let homogeneity = 0, uniformA = 0, uniformB = 0;
    const e = picks / tied.length;
    for (const s of tied) {
      const x = ca.get(s)!, y = cb.get(s)!, pooled = (x + y) / 2;
      homogeneity += (x - pooled) ** 2 / pooled + (y - pooled) ** 2 / pooled;
      uniformA += (x - e) ** 2 / e;
      uniformB += (y - e) ** 2 / e;
    }
    expect(homogeneity).toBeLessThan(31.26);
    expect(uniformA).toBeLessThan(31.26);
    expect(uniformB).toBeLessThan(31.26);
  });

  it('one draw per pick among tied minima, none when the minimum is unique', () => {
    const fake = fakeContext(64, { seed: 2 });
    for (let s = 0; s < 64; s++) fake.ctx.outstanding[s] = s === 40 ? 0 : 2;
    const b = indexedLeastConnections(fake.ctx, false);
    const before = createStream(2, 'balancer');
    expect(b.pick(0)).toBe(40);
    fake.ctx.outstanding[40] = 2;
    told(b, fake, 40);
    // Now all 64 tie: the pick is the floor(u * 64)-th server for the stream's FIRST draw.
    expect(b.pick(0)).toBe(Math.floor(before.next() * 64));
  });
});
