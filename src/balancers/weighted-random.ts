/**
 * weighted-random: a draw over the eligible servers with probability weight / Σ weight; servers
 * of weight 0 are never chosen (all zero ⇒ -1). Cumulative weights are rebuilt with the pool;
 * a pick is one uniform draw and a binary search.
 * Source: Envoy RANDOM (which ignores weights) made weight-proportional, as the samwho.dev
 * essay's "weighted random" (there: by server power).
 * Ties: none.
 */
import type { BalancerFactory } from './balancer.js';
import { object } from '../input/check.js';
import { policy } from './options.js';

export const createWeightedRandom: BalancerFactory = (ctx, options, path) => {
  object(options, path, []);
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

  /** A weight-proportional draw; only when m > 0. */
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
      rebuild(); // eligibility changed without rebuild(): still never return an ineligible server
      return m === 0 ? -1 : draw();
    },
    rebuild,
  };
};

export const WEIGHTED_RANDOM = policy({
  name: 'weighted-random', description: 'random server with probability proportional to weight', create: createWeightedRandom,
});
