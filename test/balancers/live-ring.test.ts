import { describe, expect, it } from 'vitest';
import type { Balancer, BalancerContext } from '../../src/balancers/balancer.js';
import { BitSet, HashRing, LiveRing, ringPoints, ringReplicas } from '../../src/balancers/hash-ring.js';
import { createStream } from '../../src/random/rng.js';
import { churn } from './churn.js';
import { create, fakeContext } from './fake-context.js';

describe('BitSet', () => {
  it.each([1, 31, 32, 33, 1024, 1025, 40_000])('add, delete and next agree with a plain array (%i positions)', (n) => {
    const bits = new BitSet(), plain = new Uint8Array(n), rng = createStream(n, 'test');
    bits.reset(n);
    let wrong = 0;
    for (let step = 0; step < 4000; step++) {
      const i = Math.floor(rng.next() * n);
      // Sparse at first (long jumps across empty words and levels), then dense.
      if (rng.next() < (step < 2000 ? 0.2 : 0.7)) {
        bits.add(i);
        plain[i] = 1;
      } else {
        bits.delete(i);
        plain[i] = 0;
      }
      const from = Math.floor(rng.next() * (n + 1));
      let expected = -1;
      for (let j = from; j < n; j++) if (plain[j] === 1) { expected = j; break; }
      if (bits.next(from) !== expected) wrong++;
    }
    expect(wrong).toBe(0);
  });

  it('finds a member past many empty words, and none past the last', () => {
    const bits = new BitSet();
    bits.reset(100_000);
    bits.add(99_999);
    bits.add(3);
    expect(bits.next(0)).toBe(3);
    expect(bits.next(4)).toBe(99_999);
    bits.delete(99_999);
    expect(bits.next(4)).toBe(-1);
  });
});

/** ring-hash as it was: a HashRing over the eligible servers, rebuilt (patched) when told of any change. */
function oldRingHash(ctx: BalancerContext, points: (c: BalancerContext, out: Int32Array) => Int32Array): Balancer {
  const ring = new HashRing(new Int32Array(ctx.size));
  let dirty = true;
  const build = (): void => {
    points(ctx, ring.replicas);
    ring.rebuild(ctx);
    dirty = false;
  };
  build();
  return {
    pick(key) {
      if (dirty) build();
      if (ring.length === 0) return -1;
      let s = ring.servers[ring.find(key)];
      if (ctx.eligible[s] !== 1) {
        build();
        s = ring.length === 0 ? -1 : ring.servers[ring.find(key)];
      }
      return s;
    },
    rebuild() {
      dirty = true;
    },
  };
}

describe('ring-hash on a LiveRing picks exactly as the rebuilt ring did', () => {
  it.each([
    ['ketama sizing, 40 points', 200, { pointsPerServer: 40 }],
    ['ketama sizing, capped ring', 3000, { pointsPerServer: 160, maxRingSize: 20_000 }],
    ['Envoy sizing', 500, { minRingSize: 1024 }],
  ] as const)('%s: %i servers, random membership sequences, key for key', (_, n, options) => {
    const now = fakeContext(n, { seed: 3 }), then = fakeContext(n, { seed: 3 });
    const rng = createStream(n, 'keys'), rngNow = createStream(n, 'churn'), rngThen = createStream(n, 'churn');
    const b = create('ring-hash', now, options);
    const points = 'minRingSize' in options
      ? (c: BalancerContext, out: Int32Array) => ringReplicas(c, options.minRingSize, true, out)
      : (c: BalancerContext, out: Int32Array) => ringPoints(c, options.pointsPerServer, 'maxRingSize' in options ? options.maxRingSize : 4_194_304, out);
    const ref = oldRingHash(then.ctx, points);
    let wrong = 0, picks = 0;
    for (let step = 0; step < 300; step++) {
      // the same change on both contexts (two copies of one stream)
      churn(now.ctx, rngNow, (s) => b.rebuild!(s));
      churn(then.ctx, rngThen, () => ref.rebuild!());
      for (let k = 0; k < 40; k++) {
        const key = Math.floor(rng.next() * 2 ** 40);
        const s = b.pick(key);
        if (s !== ref.pick(key)) wrong++;
        if (s >= 0 && now.ctx.eligible[s] !== 1) wrong++;
        picks++;
      }
    }
    expect(picks).toBe(12_000);
    expect(wrong).toBe(0);
  });

  it('two instances over the same arrays share one ring and pick as two rebuilt rings did', () => {
    const n = 300, fake = fakeContext(n), ref = fakeContext(n), rng = createStream(4, 'keys');
    const rngNow = createStream(4, 'churn'), rngThen = createStream(4, 'churn');
    const a = create('ring-hash', fake), b = create('ring-hash', fake);
    const points = (c: BalancerContext, out: Int32Array) => ringPoints(c, 160, 4_194_304, out);
    const ra = oldRingHash(ref.ctx, points), rb = oldRingHash(ref.ctx, points);
    let wrong = 0;
    for (let step = 0; step < 200; step++) {
      churn(fake.ctx, rngNow, (s) => { a.rebuild!(s); b.rebuild!(s); });
      churn(ref.ctx, rngThen, () => { ra.rebuild!(); rb.rebuild!(); });
      for (let k = 0; k < 20; k++) {
        const key = Math.floor(rng.next() * 2 ** 32);
        const [x, rx] = k % 2 === 0 ? [a, ra] : [b, rb];
        if (x.pick(key) !== rx.pick(key)) wrong++;
      }
    }
    expect(wrong).toBe(0);
  });
});

describe('LiveRing', () => {
  it('a server leaving or returning flips its own points only; weights re-place them', () => {
    const n = 1000, { ctx } = fakeContext(n);
    const ring = new LiveRing(n, (c, out) => ringPoints(c, 160, 4_194_304, out));
    ring.sync(ctx);
    expect(ring.placements).toBe(1);
    expect(ring.livePoints).toBe(160 * n);
    const flips = ring.flips;
    for (const s of [7, 500, 999]) {
      ctx.eligible[s] = 0;
      ring.changed(s);
    }
    ring.sync(ctx);
    expect([ring.placements, ring.flips - flips, ring.livePoints]).toEqual([1, 3, 160 * (n - 3)]);
    // a key whose point was server 7's goes to the next live point, as a ring without 7 has it
    const without = new HashRing(ringPoints(ctx, 160, 4_194_304, new Int32Array(n)));
    without.rebuild(ctx);
    let wrong = 0;
    for (let key = 0; key < 20_000; key++) if (ring.lookup(key) !== without.servers[without.find(key)]) wrong++;
    expect(wrong).toBe(0);
    ctx.weights[3] = 2;
    ring.changed(3);
    ring.sync(ctx);
    expect(ring.placements).toBe(2);
    for (let s = 0; s < n; s++) ctx.eligible[s] = 0;
    ring.changed(-1);
    ring.sync(ctx);
    expect([ring.livePoints, ring.lookup(12345)]).toEqual([0, -1]);
  });
});
