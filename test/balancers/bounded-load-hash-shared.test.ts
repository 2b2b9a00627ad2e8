/**
 * bounded-load-hash in a sparse fleet (ctx.shared: the counts are another instance's between
 * calls): L and m are summed at every pick, so a rebuild or a report must not sum them too — a
 * fleet of 1,700 instances over 10,000 servers paid 1,700 passes over the pool per health change
 * (review). Same choices as an instance keeping its own L and m.
 */
import { describe, expect, it } from 'vitest';
import type { BalancerContext } from '../../src/balancers/balancer.js';
import { createStream } from '../../src/random/rng.js';
import { create, fakeContext, type Fake } from './fake-context.js';

/** `fake` with ctx.shared set and its `outstanding` reads counted. */
function sharedCounted(fake: Fake): { fake: Fake; reads: () => number; reset: () => void } {
  let reads = 0;
  const counted = new Proxy(fake.ctx.outstanding, {
    get(target, p) {
      if (typeof p === 'string' && /^\d+$/.test(p)) reads++;
      const v = Reflect.get(target, p, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  const ctx: BalancerContext = { ...fake.ctx, outstanding: counted, shared: true };
  return { fake: { ...fake, ctx }, reads: () => reads, reset: () => (reads = 0) };
}

describe('bounded-load-hash over shared counts', () => {
  it('rebuild and a report do not sum the counts (the next pick does)', () => {
    const n = 64, { fake, reads, reset } = sharedCounted(fakeContext(n));
    const b = create('bounded-load-hash', fake);
    reset();
    for (let i = 0; i < 10; i++) {
      fake.ctx.eligible[i] = 0;
      b.rebuild!(i);
      b.rebuild!(-1);
      b.outstandingChanged!(-1);
    }
    expect(reads()).toBe(0);
    b.pick(12345);
    expect(reads()).toBeGreaterThanOrEqual(n);
  });

  it('picks as an instance keeping its own L and m, through count and eligibility changes', () => {
    const n = 40, own = fakeContext(n), { fake: shared } = sharedCounted(fakeContext(n));
    const a = create('bounded-load-hash', own), b = create('bounded-load-hash', shared);
    const rng = createStream(3, 'changes');
    let differ = 0;
    for (let step = 0; step < 3000; step++) {
      const s = Math.floor(rng.next() * n), u = rng.next();
      if (u < 0.1) {
        const e = own.ctx.eligible[s] === 1 ? 0 : 1;
        own.ctx.eligible[s] = e;
        shared.ctx.eligible[s] = e;
        a.rebuild!(u < 0.05 ? s : -1);
        b.rebuild!(u < 0.05 ? s : -1);
      } else if (u < 0.5 && own.ctx.outstanding[s] > 0) {
        own.ctx.outstanding[s]--;
        shared.ctx.outstanding[s]--;
        a.outstandingChanged!(s);
      } else {
        const key = Math.floor(rng.next() * 2 ** 32), x = a.pick(key), y = b.pick(key);
        if (x !== y) differ++;
        if (x >= 0) {
          own.ctx.outstanding[x]++;
          shared.ctx.outstanding[x]++;
          a.outstandingChanged!(x);
        }
      }
    }
    expect(differ).toBe(0);
  });
});
