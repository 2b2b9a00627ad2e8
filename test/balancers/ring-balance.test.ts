import { describe, expect, it } from 'vitest';
import { HashRing, ringPoints, ringReplicas } from '../../src/balancers/hash-ring.js';
import { createMaglevTable } from '../../src/balancers/maglev.js';
import { createStream } from '../../src/random/rng.js';
import { hashKey } from '../../src/balancers/hash.js';
import { fakeContext, create } from './fake-context.js';
import type { BalancerContext } from '../../src/balancers/balancer.js';

const TWO32 = 2 ** 32;

/** Each server's share of the hash space (uniform key hashes): the arcs its points end. */
function shares(ring: HashRing, n: number): Float64Array {
  const share = new Float64Array(n), L = ring.length;
  for (let i = 0; i < L; i++) {
    const from = i === 0 ? ring.hashes[L - 1] - TWO32 : ring.hashes[i - 1];
    share[ring.servers[i]] += (ring.hashes[i] - from) / TWO32;
  }
  return share;
}

/**
 * Bound on max/mean share: a server with k of the ring's N points owns k of N uniform spacings,
 * share · n ≈ Gamma(k, 1) / k, and P(Gamma(k)/k > 1 + ε) ≤ exp(−k(ε − ln(1 + ε))) (Chernoff).
 * Over n servers with total probability 1e-6: the ε solving n · exp(−k(ε − ln(1 + ε))) = 1e-6.
 */
function bound(n: number, k: number): number {
  const target = Math.log(n / 1e-6) / k;
  let lo = 0, hi = 100;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (mid - Math.log1p(mid) < target) lo = mid;
    else hi = mid;
  }
  return 1 + hi;
}

function maxOverMean(ring: HashRing, n: number): number {
  const share = shares(ring, n);
  let max = 0;
  for (const x of share) max = Math.max(max, x);
  return max * n;
}

describe('ring-hash balance at any pool size', () => {
  it.each([10, 100, 1_000, 10_000])('160 points per server: max/mean share within the Chernoff bound at %i servers', (n) => {
    const { ctx } = fakeContext(n);
    const replicas = ringPoints(ctx, 160, 4_194_304, new Int32Array(n));
    expect(replicas.every((r) => r === 160)).toBe(true);
    const ring = new HashRing(replicas);
    ring.rebuild(ctx);
    const b = bound(n, 160);
    expect(b).toBeLessThan(1.7); // the bound itself says "balanced": ≤ 1.7 at 10,000 servers
    expect(maxOverMean(ring, n)).toBeLessThanOrEqual(b);
  });

  it("Envoy's minRingSize sizing (1024) gives 1–2 points per server from 1,000 servers up: far outside that bound", () => {
    const n = 1_000, { ctx } = fakeContext(n);
    const replicas = ringReplicas(ctx, 1024, true, new Int32Array(n));
    expect(replicas.every((r) => r === 2)).toBe(true);
    const ring = new HashRing(replicas);
    ring.rebuild(ctx);
    expect(maxOverMean(ring, n)).toBeGreaterThan(bound(n, 160) * 1.5);
  });

  it('the ring holds at most maxRingSize + n points: fewer per server in a larger pool', () => {
    const { ctx } = fakeContext(100_000);
    const replicas = ringPoints(ctx, 160, 4_194_304, new Int32Array(100_000));
    expect(replicas[0]).toBe(41);
    const weighted = fakeContext(5, { weights: [1, 2, 0, 1, 1] }).ctx;
    expect(Array.from(ringPoints(weighted, 160, 4_194_304, new Int32Array(5)))).toEqual([128, 256, 0, 128, 128]);
  });

  it('minRingSize reproduces the ring of earlier versions (Envoy sizing), pointsPerServer the new default', () => {
    // Picks of keys 0..19,999, then again with server 1 out, folded into one number per pool size;
    // the values were taken from the previous ring-hash (whose only sizing was minRingSize 1024).
    const fold = (options: Record<string, unknown>) => {
      const out: number[] = [];
      for (const n of [3, 10, 1000]) {
        const weights = new Array(n).fill(1);
        if (n === 10) { weights[2] = 3; weights[5] = 0; }
        const fake = fakeContext(n, { weights });
        const b = create('ring-hash', fake, options);
        let h = 0;
        for (let k = 0; k < 20_000; k++) h = (h * 31 + b.pick(k) + 1) % 2147483647;
        fake.ctx.eligible[1] = 0;
        b.rebuild!();
        for (let k = 0; k < 20_000; k++) h = (h * 31 + b.pick(k) + 1) % 2147483647;
        out.push(h);
      }
      return out;
    };
    expect(fold({ minRingSize: 1024 })).toEqual([2136084417, 820475730, 266294831]);
    expect(fold({})).not.toEqual([2136084417, 820475730, 266294831]);
    expect(() => create('ring-hash', fakeContext(3), { minRingSize: 1024, pointsPerServer: 100 })).toThrow(/balancer\.pointsPerServer/);
  });
});

/** A ring built from scratch over the context as it stands. */
function fresh(ctx: BalancerContext, replicas: Int32Array): HashRing {
  const ring = new HashRing(Int32Array.from(replicas));
  ring.rebuild(ctx);
  return ring;
}

describe('incremental and lazy rebuilds give the tables a build from scratch gives', () => {
  it('HashRing: servers leaving, returning and changing their point count, one or many at a time', () => {
    const n = 300, { ctx } = fakeContext(n), rng = createStream(5, 'test');
    const replicas = ringPoints(ctx, 40, 1 << 22, new Int32Array(n));
    const ring = new HashRing(replicas);
    ring.rebuild(ctx);
    let wrong = 0;
    for (let step = 0; step < 200; step++) {
      const changes = step % 10 === 0 ? 60 : 1 + Math.floor(rng.next() * 3);
      for (let c = 0; c < changes; c++) {
        const s = Math.floor(rng.next() * n);
        if (rng.next() < 0.8) ctx.eligible[s] ^= 1;
        else replicas[s] = Math.floor(rng.next() * 80);
      }
      ring.rebuild(ctx);
      const ref = fresh(ctx, replicas);
      if (ring.length !== ref.length) wrong++;
      for (let i = 0; i < ref.length; i++) if (ring.hashes[i] !== ref.hashes[i] || ring.servers[i] !== ref.servers[i]) wrong++;
    }
    expect(wrong).toBe(0);
    expect(ring.incrementalRebuilds).toBeGreaterThan(150);
    expect(ring.fullRebuilds).toBeGreaterThan(1);
  });

  it('HashRing.find (a table of ranges) gives what a binary search over the whole ring gives: 1 point to over 2^20, shrinking and growing', () => {
    /** Index of the first point with hash ≥ the key's, wrapping to 0: the lookup before the table. */
    const search = (ring: HashRing, h: number): number => {
      let lo = 0, hi = ring.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (ring.hashes[mid] < h) lo = mid + 1;
        else hi = mid;
      }
      return lo === ring.length ? 0 : lo;
    };
    const rng = createStream(9, 'test');
    const keys = Array.from({ length: 3000 }, () => Math.floor(rng.next() * 2 ** 21) * TWO32 + Math.floor(rng.next() * TWO32));
    let wrong = 0, lookups = 0;
    // Ring lengths around the table's sizes (2 to 2^20 ranges); then servers leave and return.
    for (const [n, points] of [[1, 1], [2, 1], [1, 3], [5, 1], [3, 3], [9, 1], [33, 31], [1025, 1], [1000, 131], [4097, 256]]) {
      const { ctx } = fakeContext(n), ring = new HashRing(new Int32Array(n).fill(points));
      for (let step = 0; step < 12; step++) {
        if (step > 0) for (let c = 0; c < (step % 4 === 0 ? n : 1 + (step % 3)); c++) ctx.eligible[Math.floor(rng.next() * n)] ^= 1;
        if (step === 11) ctx.eligible.fill(1);
        ring.rebuild(ctx);
        if (ring.length === 0) continue;
        for (const key of keys) {
          lookups++;
          if (ring.find(key) !== search(ring, hashKey(key))) wrong++;
        }
      }
    }
    expect(wrong).toBe(0);
    expect(lookups).toBeGreaterThan(200_000);
  });

  it.each([['ring-hash', {}], ['ring-hash', { minRingSize: 1024 }], ['maglev', { tableSize: 5003 }]] as const)(
    '%s %j: after changes at one instant, picks match a balancer built from scratch', (name, options) => {
      const n = 60, fake = fakeContext(n), rng = createStream(8, 'test');
      const b = create(name, fake, options);
      let wrong = 0;
      for (let step = 0; step < 30; step++) {
        for (let c = 0; c < 1 + (step % 5); c++) {
          fake.ctx.eligible[Math.floor(rng.next() * n)] ^= 1;
          b.rebuild!(); // one call per change, as the model makes them
        }
        // A fresh context (its own arrays: no ring shared with b), built from scratch.
        const ref = create(name, { ...fake, ctx: { ...fake.ctx, eligible: Uint8Array.from(fake.ctx.eligible), weights: Float64Array.from(fake.ctx.weights) } }, options);
        for (let k = 0; k < 20_000; k++) if (b.pick(k) !== ref.pick(k)) wrong++;
      }
      expect(wrong).toBe(0);
    });

  it('ring-hash instances over the same pool share one ring, kept current whichever instance picks first', () => {
    const n = 40, fake = fakeContext(n);
    const a = create('ring-hash', fake), b = create('ring-hash', fake);
    const solo = () => create('ring-hash', { ...fake, ctx: { ...fake.ctx, eligible: Uint8Array.from(fake.ctx.eligible), weights: Float64Array.from(fake.ctx.weights) } });
    let wrong = 0;
    for (let step = 0; step < 20; step++) {
      fake.ctx.eligible[(step * 7) % n] ^= 1;
      a.rebuild!();
      b.rebuild!();
      const first = step % 2 === 0 ? a : b, second = first === a ? b : a, ref = solo();
      for (let k = 0; k < 5_000; k++) if (first.pick(k) !== ref.pick(k) || second.pick(k) !== ref.pick(k)) wrong++;
    }
    expect(wrong).toBe(0);
  });

  it('maglev: the table rebuilt over the same members is the same table', () => {
    const n = 50, { ctx } = fakeContext(n);
    const { table, rebuild } = createMaglevTable(ctx, 5003);
    const first = Int32Array.from(table);
    ctx.eligible[7] = 0;
    rebuild();
    expect(Array.from(table).includes(7)).toBe(false);
    ctx.eligible[7] = 1;
    rebuild();
    expect(Array.from(table)).toEqual(Array.from(first));
  });
});
