/**
 * Policies that update for the one server that changed (rebuild(server)) or share their table
 * across a fleet, held to their old rebuild-everything versions choice for choice on random
 * membership sequences (churn.ts).
 */
import { describe, expect, it } from 'vitest';
import type { Balancer, BalancerContext } from '../../src/balancers/balancer.js';
import { EdfScheduler } from '../../src/balancers/edf-scheduler.js';
import { getBalancer } from '../../src/balancers/registry.js';
import { createMaglevTable, SharedTable } from '../../src/balancers/maglev.js';
import { hashKey } from '../../src/balancers/hash.js';
import { createStream } from '../../src/random/rng.js';
import { churn } from './churn.js';
import { create, fakeContext } from './fake-context.js';

/** maglev as it was: a table per instance, filled again at the first pick after any rebuild(). */
function oldMaglev(ctx: BalancerContext, M: number): Balancer {
  const { table, rebuild } = createMaglevTable(ctx, M);
  let dirty = false;
  return {
    pick(key) {
      if (dirty) {
        rebuild();
        dirty = false;
      }
      const slot = hashKey(key) % M;
      let s = table[slot];
      if (s >= 0 && ctx.eligible[s] !== 1) {
        rebuild();
        s = table[slot];
      }
      return s;
    },
    rebuild() {
      dirty = true;
    },
  };
}

describe('maglev: one table for a fleet', () => {
  it.each([1, 3])('%i instance(s) over the same arrays pick key for key as tables of their own did', (count) => {
    const n = 80, M = 1009, now = fakeContext(n), then = fakeContext(n);
    const keys = createStream(count, 'keys'), a = createStream(count, 'churn'), b = createStream(count, 'churn');
    const fleet = Array.from({ length: count }, () => create('maglev', now, { tableSize: M }));
    const old = Array.from({ length: count }, () => oldMaglev(then.ctx, M));
    let wrong = 0;
    for (let step = 0; step < 300; step++) {
      // Every change told (as the model does): a server leaving untold would refresh one old
      // instance's table at its next pick and leave the others stale, where the shared table
      // refreshes for all (a fill moves a few other keys too).
      churn(now.ctx, a, (s) => fleet.forEach((x) => x.rebuild!(s)), count === 1);
      churn(then.ctx, b, () => old.forEach((x) => x.rebuild!()), count === 1);
      for (let k = 0; k < 30; k++) {
        const key = Math.floor(keys.next() * 2 ** 40), i = k % count;
        const s = fleet[i].pick(key);
        if (s !== old[i].pick(key)) wrong++;
        if (s >= 0 && now.ctx.eligible[s] !== 1) wrong++;
      }
    }
    expect(wrong).toBe(0);
  });

  it('fills once per change for the whole fleet, and not at all when the change is undone before the next pick', () => {
    const n = 50, { ctx } = fakeContext(n);
    const shared = new SharedTable(ctx, 211);
    expect(shared.fills).toBe(1);
    for (let i = 0; i < 3; i++) shared.changed(4); // three instances told
    ctx.eligible[4] = 0;
    shared.sync(ctx);
    shared.sync(ctx);
    expect(shared.fills).toBe(2);
    expect(Array.from(shared.table).includes(4)).toBe(false);
    ctx.eligible[4] = 1;
    shared.changed(4);
    ctx.eligible[4] = 0; // back as it was at the last fill
    shared.changed(4);
    shared.sync(ctx);
    expect(shared.fills).toBe(2);
    ctx.weights[9] = 3;
    shared.changed(-1);
    shared.sync(ctx);
    expect(shared.fills).toBe(3);
  });
});

/** weighted-random as it was: cumulative weights rebuilt on every change, a binary search per pick. */
function oldWeightedRandom(ctx: BalancerContext): Balancer {
  const cumulative = new Float64Array(ctx.size), server = new Int32Array(ctx.size);
  let m = 0;
  function rebuild(): void {
    let total = 0;
    m = 0;
    for (let s = 0; s < ctx.size; s++) {
      if (ctx.eligible[s] !== 1 || !(ctx.weights[s] > 0)) continue;
      total += ctx.weights[s];
      cumulative[m] = total;
      server[m++] = s;
    }
  }
  rebuild();
  function draw(): number {
    const u = ctx.rng.next() * cumulative[m - 1];
    let lo = 0, hi = m - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    return server[lo];
  }
  return {
    pick() {
      if (m === 0) return -1;
      const s = draw();
      if (ctx.eligible[s] === 1) return s;
      rebuild();
      return m === 0 ? -1 : draw();
    },
    rebuild,
  };
}

function told(x: Balancer, y: Balancer, s: number): void {
  for (const b of [x, y]) {
    b.outstandingChanged?.(s);
    b.trueLoadChanged?.(s);
  }
}

/** `make` and `old` on two copies of a pool under the same random membership sequence: picks that differ. */
function differences(
  make: (fake: ReturnType<typeof fakeContext>) => Balancer, old: (ctx: BalancerContext) => Balancer,
  { n, weights, steps = 400, initial }: { n: number; weights?: readonly number[]; steps?: number; initial?: number[] },
): { wrong: number; picks: number } {
  const now = fakeContext(n, { seed: 7, weights: initial }), then = fakeContext(n, { seed: 7, weights: initial });
  const a = createStream(n, 'churn'), b = createStream(n, 'churn');
  const x = make(now), y = old(then.ctx);
  let wrong = 0, picks = 0;
  for (let step = 0; step < steps; step++) {
    // every change told, as the model does (told only of server s, a policy may trust that no
    // other changed; the old rebuild re-read every server)
    churn(now.ctx, a, (s) => x.rebuild!(s), false, weights);
    churn(then.ctx, b, () => y.rebuild!(), false, weights);
    for (let k = 0; k < 25; k++, picks++) {
      const s = x.pick(0);
      if (s !== y.pick(0)) wrong++;
      if (s >= 0 && now.ctx.eligible[s] !== 1) wrong++;
      // open requests come and go as the model's would, policies told (outstanding is trueLoad here)
      if (s >= 0) {
        now.ctx.outstanding[s]++;
        then.ctx.outstanding[s]++;
        told(x, y, s);
      }
      const done = Math.floor(a.next() * n);
      b.next();
      if (now.ctx.outstanding[done] > 0) {
        now.ctx.outstanding[done]--;
        then.ctx.outstanding[done]--;
        told(x, y, done);
        x.observe?.(done, 10 + (done % 7), true);
        y.observe?.(done, 10 + (done % 7), true);
      }
    }
  }
  return { wrong, picks };
}

describe('weighted-random: a Fenwick tree of whole-number weights', () => {
  it.each([
    ['whole weights (the tree throughout)', 300, [0, 1, 2, 5, 1000]],
    ['fractional weights now and then (cumulative array, then the tree again)', 300, [0, 0.35, 1, 2, 3]],
    ['one server', 1, [0, 1, 2]],
    ['2,000 servers', 2000, [0, 1, 3]],
  ] as const)('%s: picks as the rebuilt cumulative array did', (_, n, weights) => {
    const { wrong, picks } = differences((f) => create('weighted-random', f), oldWeightedRandom, { n, weights });
    expect(picks).toBe(10_000);
    expect(wrong).toBe(0);
  });

  it('whole weights near 2^53 still draw as the cumulative array does', () => {
    const big = [2 ** 51, 2 ** 52 - 3, 7, 2 ** 50 + 1];
    const { wrong } = differences((f) => create('weighted-random', f), oldWeightedRandom, { n: 4, weights: [0, 1, 2 ** 51], initial: big, steps: 100 });
    expect(wrong).toBe(0);
  });
});

describe('a server leaving untold (rebuild not called) is still never picked', () => {
  it.each(['weighted-random', 'maglev', 'ring-hash', 'edf-round-robin'])('%s', (name) => {
    const fake = fakeContext(20, { weights: Array.from({ length: 20 }, (_, s) => 1 + (s % 3)) });
    const b = create(name, fake);
    for (let s = 0; s < 19; s++) {
      fake.ctx.eligible[s] = 0;
      for (let k = 0; k < 50; k++) expect(fake.ctx.eligible[b.pick(k * 7919 + s)]).toBe(1);
    }
    fake.ctx.eligible[19] = 0;
    expect(b.pick(3)).toBe(-1);
  });
});

/** edf-round-robin as it was: the heap refilled (virtual time 0, members in id order) on every change. */
function oldEdf(ctx: BalancerContext): Balancer {
  const edf = new EdfScheduler(ctx.size);
  function rebuild(): void {
    edf.clear();
    for (let s = 0; s < ctx.size; s++) if (ctx.eligible[s] === 1 && ctx.weights[s] > 0) edf.add(s, ctx.weights[s]);
  }
  rebuild();
  return {
    pick() {
      let s = edf.peek();
      if (s >= 0 && ctx.eligible[s] !== 1) {
        rebuild();
        s = edf.peek();
      }
      if (s >= 0) edf.advance(ctx.weights[s]);
      return s;
    },
    rebuild,
  };
}

describe('edf-round-robin: a restart in O(log n) (RestartingEdf)', () => {
  it.each([
    ['equal weights (ties everywhere: FIFO decides)', 300, [1]],
    ['weights 0 to 3, fractional', 300, [0, 0.35, 1, 2, 3]],
    ['one server', 1, [0, 1, 2]],
    ['1,000 servers', 1000, [1, 2, 5]],
    ['not a power of two, near one', 33, [0, 1, 4]],
    ['6 servers (many cycles between changes: re-queued entries tie with restarted ones)', 6, [0, 1, 2, 3]],
    ['12 servers of equal weight', 12, [1]],
  ] as const)('%s: picks as the refilled heap did', (_, n, weights) => {
    const { wrong, picks } = differences((f) => create('edf-round-robin', f), oldEdf, { n, weights });
    expect(picks).toBe(10_000);
    expect(wrong).toBe(0);
  });
});

describe('indexed policies told which server changed update its key alone', () => {
  it.each([
    ['least-connections', {}],
    ['least-connections', { weighted: true }],
    ['join-shortest-queue', {}],
    ['first', {}],
    ['dynamic-weighted-round-robin', {}],
    ['least-time', {}],
  ] as const)('%s %j: picks as a full rebuild of the index did', (name, options) => {
    const old = (ctx: BalancerContext): Balancer => getBalancer(name)!.create(ctx, options, 'balancer');
    const { wrong, picks } = differences((f) => create(name, f, options), old, { n: 300, weights: [0, 1, 2, 5] });
    expect(picks).toBe(10_000);
    expect(wrong).toBe(0);
  });
});
