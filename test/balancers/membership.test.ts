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
import { sharedDraw } from '../../src/balancers/weighted-random.js';
import { scanJoinShortestQueue } from '../../src/balancers/join-shortest-queue.js';
import { sharedRing } from '../../src/balancers/bounded-load-hash.js';
import { HashRing, ringReplicas } from '../../src/balancers/hash-ring.js';
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

describe('weighted-random: one draw structure for a fleet', () => {
  it.each([
    ['whole weights', [0, 1, 2, 5, 1000]],
    ['fractional weights now and then', [0, 0.35, 1, 2, 3]],
  ] as const)('%s: 3 instances over the same arrays pick draw for draw as cumulative arrays of their own did', (_, weights) => {
    const n = 200, now = fakeContext(n), then = fakeContext(n);
    const a = createStream(5, 'churn'), b = createStream(5, 'churn');
    const fleet = [0, 1, 2].map((i) => getBalancer('weighted-random')!.create({ ...now.ctx, rng: createStream(i, 'instance') }, {}, 'balancer'));
    const old = [0, 1, 2].map((i) => oldWeightedRandom({ ...then.ctx, rng: createStream(i, 'instance') }));
    let wrong = 0, picks = 0;
    for (let step = 0; step < 300; step++) {
      churn(now.ctx, a, (s) => fleet.forEach((x) => x.rebuild!(s)), false, weights);
      churn(then.ctx, b, () => old.forEach((x) => x.rebuild!()), false, weights);
      for (let k = 0; k < 30; k++, picks++) {
        const i = (step + k) % 3, s = fleet[i].pick(0);
        if (s !== old[i].pick(0)) wrong++;
        if (s >= 0 && now.ctx.eligible[s] !== 1) wrong++;
      }
    }
    expect(picks).toBe(9000);
    expect(wrong).toBe(0);
  });

  it('a change told to 100 instances costs one update: one pass over the pool with fractional weights, none with whole ones', () => {
    const n = 500, fake = fakeContext(n, { weights: Array.from({ length: n }, (_, s) => 1 + (s % 4)) });
    const fleet = Array.from({ length: 100 }, (_, i) => getBalancer('weighted-random')!.create({ ...fake.ctx, rng: createStream(i, 'instance') }, {}, 'balancer'));
    const shared = sharedDraw(fake.ctx);
    const step = (s: number, weight: number) => {
      fake.ctx.weights[s] = weight;
      for (const x of fleet) x.rebuild!(s);
      for (const x of fleet) expect(x.pick(0)).toBeGreaterThanOrEqual(0);
    };
    expect(shared.passes).toBe(1); // the first instance's
    for (let s = 0; s < 10; s++) step(s, 2); // whole weights: the tree, one entry each
    expect(shared.passes).toBe(1);
    for (let s = 0; s < 10; s++) step(s, 0.1 * (s + 1)); // slow start's ramp: fractional
    expect(shared.passes).toBe(11);
    for (const x of fleet) x.rebuild!(-1);
    fleet[7].pick(0);
    expect(shared.passes).toBe(12);
  });
});

describe('join-shortest-queue: one index of the true load for a fleet', () => {
  const fleetOf = (ctx: BalancerContext, make: (c: BalancerContext) => Balancer) =>
    [0, 1, 2].map((i) => make({ ...ctx, rng: createStream(i, 'instance') }));

  it.each(['random', 'lowest-id'] as const)('ties %s: 3 instances over the same arrays pick draw for draw as the full scan', (ties) => {
    const n = 100, now = fakeContext(n), then = fakeContext(n), script = createStream(3, 'script');
    const fleet = fleetOf(now.ctx, (c) => getBalancer('join-shortest-queue')!.create(c, { ties }, 'balancer'));
    const scans = fleetOf(then.ctx, (c) => scanJoinShortestQueue(c, ties === 'lowest-id'));
    let wrong = 0;
    for (let step = 0; step < 6000; step++) {
      const u = script.next(), s = Math.floor(script.next() * n);
      if (u < 0.03) {
        now.ctx.eligible[s] = then.ctx.eligible[s] ^= 1;
        fleet.forEach((x) => x.rebuild!(s));
      } else if (u < 0.6) {
        // the load at s moves by one (the true load here is the same array as outstanding)
        const d = now.ctx.trueLoad[s] > 0 && script.next() < 0.5 ? -1 : 1;
        now.ctx.trueLoad[s] += d;
        then.ctx.trueLoad[s] += d;
        fleet.forEach((x) => x.trueLoadChanged!(s));
      } else {
        const i = step % 3, got = fleet[i].pick(0);
        if (got !== scans[i].pick(0)) wrong++;
        if (got >= 0 && now.ctx.eligible[got] !== 1) wrong++;
      }
    }
    expect(wrong).toBe(0);
  });

  it('shares it: a change told to one instance is seen by the others', () => {
    const n = 64, fake = fakeContext(n);
    fake.ctx.trueLoad.fill(3);
    const fleet = fleetOf(fake.ctx, (c) => getBalancer('join-shortest-queue')!.create(c, {}, 'balancer'));
    fake.ctx.trueLoad[41] = 1;
    fleet[0].trueLoadChanged!(41);
    for (let k = 0; k < 10; k++) expect([fleet[1].pick(0), fleet[2].pick(0)]).toEqual([41, 41]);
    fake.ctx.eligible[41] = 0;
    fleet[1].rebuild!(41);
    expect(fleet[0].pick(0)).not.toBe(41);
  });
});

/** bounded-load-hash as it was: a ring per instance rebuilt, and L and m recounted, on every rebuild(). */
function oldBoundedLoadHash(ctx: BalancerContext, epsilon = 0.25, minRingSize = 1024): Balancer {
  const ring = new HashRing(ringReplicas(ctx, minRingSize, false, new Int32Array(ctx.size)));
  ring.rebuild(ctx);
  const walk = (key: number, capacity: number): number => {
    for (let i = ring.length > 0 ? ring.find(key) : 0, steps = 0; steps < ring.length; steps++) {
      const s = ring.servers[i];
      if (ctx.eligible[s] === 1 && ctx.outstanding[s] < capacity) return s;
      i = i + 1 === ring.length ? 0 : i + 1;
    }
    return -1;
  };
  let total = 0, m = 0;
  const recount = () => {
    total = 0;
    m = 0;
    for (let s = 0; s < ctx.size; s++) if (ctx.eligible[s] === 1) { total += ctx.outstanding[s]; m++; }
  };
  recount();
  return {
    pick(key) {
      if (m === 0) return -1;
      const s = walk(key, Math.ceil(((1 + epsilon) * (total + 1)) / m));
      if (s >= 0) return s;
      ring.rebuild(ctx);
      recount();
      return m === 0 ? -1 : walk(key, Math.ceil(((1 + epsilon) * (total + 1)) / m));
    },
    rebuild() {
      ring.rebuild(ctx);
      recount();
    },
    outstandingChanged: () => recount(),
  };
}

describe('bounded-load-hash: one ring for a fleet, L and m kept per told server', () => {
  it.each([1, 3])('%i instance(s) over the same eligibility, each with its own open requests, pick as rings of their own did', (count) => {
    const n = 60, now = fakeContext(n), then = fakeContext(n);
    const a = createStream(count, 'churn'), b = createStream(count, 'churn'), script = createStream(count, 'script');
    const own = (ctx: BalancerContext, i: number): BalancerContext => ({ ...ctx, outstanding: new Int32Array(n), trueLoad: new Int32Array(n), rng: createStream(i, 'instance') });
    const nowCtx = Array.from({ length: count }, (_, i) => own(now.ctx, i)), thenCtx = Array.from({ length: count }, (_, i) => own(then.ctx, i));
    const fleet = nowCtx.map((c) => getBalancer('bounded-load-hash')!.create(c, {}, 'balancer'));
    const old = thenCtx.map((c) => oldBoundedLoadHash(c));
    const open: [number, number][] = [];
    let wrong = 0, picks = 0;
    for (let step = 0; step < 400; step++) {
      churn(now.ctx, a, (s) => fleet.forEach((x) => x.rebuild!(s)), false);
      churn(then.ctx, b, () => old.forEach((x) => x.rebuild!()), false);
      for (let k = 0; k < 25; k++) {
        const i = (step + k) % count, key = Math.floor(script.next() * 2 ** 32);
        if (open.length > 0 && script.next() < 0.45) {
          const j = Math.floor(script.next() * open.length), [bi, s] = open[j];
          open[j] = open[open.length - 1];
          open.pop();
          nowCtx[bi].outstanding[s]--;
          thenCtx[bi].outstanding[s]--;
          fleet[bi].outstandingChanged!(s);
          old[bi].outstandingChanged!(s);
          continue;
        }
        const s = fleet[i].pick(key);
        picks++;
        if (s !== old[i].pick(key)) wrong++;
        if (s < 0) continue;
        if (now.ctx.eligible[s] !== 1) wrong++;
        open.push([i, s]);
        nowCtx[i].outstanding[s]++;
        thenCtx[i].outstanding[s]++;
        fleet[i].outstandingChanged!(s);
        old[i].outstandingChanged!(s);
      }
    }
    expect(picks).toBeGreaterThan(4000);
    expect(wrong).toBe(0);
  });

  it('a change told to 100 instances rebuilds the ring once', () => {
    const n = 500, fake = fakeContext(n);
    const fleet = Array.from({ length: 100 }, (_, i) => getBalancer('bounded-load-hash')!.create({ ...fake.ctx, outstanding: new Int32Array(n), rng: createStream(i, 'instance') }, {}, 'balancer'));
    const ring = sharedRing(fake.ctx, 1024).ring, rebuilds = () => ring.fullRebuilds + ring.incrementalRebuilds;
    const before = rebuilds();
    for (let s = 0; s < 10; s++) {
      fake.ctx.eligible[s] = 0;
      for (const x of fleet) x.rebuild!(s);
      for (const [i, x] of fleet.entries()) expect(fake.ctx.eligible[x.pick(s * 7919 + i)]).toBe(1);
    }
    expect(rebuilds() - before).toBe(10);
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
