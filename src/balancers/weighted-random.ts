/**
 * weighted-random: a draw over the eligible servers with probability weight / Σ weight; servers
 * of weight 0 are never chosen (all zero ⇒ -1). A pick is one uniform draw u on [0, Σ weight) and
 * the first server (id order) whose cumulative weight exceeds u. While every weight is a whole
 * number the cumulative weights are a Fenwick tree, so a server's eligibility or weight changing
 * costs O(log n) (rebuild(server)) and the draw descends the tree: its sums are exact, so the
 * choice is the one a cumulative array would give. Fractional weights (e.g. slow start's ramp)
 * make the sums depend on the order of the additions: then the cumulative array is rebuilt, O(n),
 * whenever the pool changes, as the choices always were.
 * Source: Envoy RANDOM (which ignores weights) made weight-proportional, as the samwho.dev
 * essay's "weighted random" (there: by server power).
 * Ties: none.
 */
import type { BalancerFactory } from './balancer.js';
import { object } from '../input/check.js';
import { policy } from './options.js';

/** Whole-number sums stay exact in a double below this. */
const EXACT = Number.MAX_SAFE_INTEGER;

export const createWeightedRandom: BalancerFactory = (ctx, options, path) => {
  object(options, path, []);
  const n = ctx.size;
  /** Each server's entry: its weight when eligible and > 0, else 0. */
  const entry = new Float64Array(n);
  /** Exact mode (whole-number entries): a Fenwick tree of the entries and their total. */
  const tree = new Float64Array(n + 1);
  let top = 1;
  while (top * 2 <= n) top *= 2;
  let exact = true, total = 0;
  /** Otherwise: cumulative entries of the servers of positive entry, in id order (made when first needed). */
  let cumulative: Float64Array | null = null, server: Int32Array | null = null, m = 0;

  function rebuildAll(): void {
    exact = true;
    total = 0;
    for (let s = 0; s < n; s++) {
      const v = ctx.eligible[s] === 1 && ctx.weights[s] > 0 ? ctx.weights[s] : 0;
      entry[s] = v;
      if (!Number.isInteger(v)) exact = false;
      total += v;
    }
    if (total > EXACT) exact = false;
    if (exact) {
      for (let i = 1; i <= n; i++) tree[i] = entry[i - 1];
      for (let i = 1; i <= n; i++) {
        const j = i + (i & -i);
        if (j <= n) tree[j] += tree[i];
      }
      return;
    }
    if (cumulative === null || server === null) {
      cumulative = new Float64Array(n);
      server = new Int32Array(n);
    }
    let sum = 0;
    m = 0;
    for (let s = 0; s < n; s++) {
      if (entry[s] === 0) continue;
      sum += entry[s];
      cumulative[m] = sum;
      server[m++] = s;
    }
  }
  rebuildAll();

  /** Server `s`'s eligibility or weight changed: one entry of the tree, O(log n), while exact. */
  function rebuild(s = -1): void {
    if (s < 0 || !exact) return rebuildAll();
    const v = ctx.eligible[s] === 1 && ctx.weights[s] > 0 ? ctx.weights[s] : 0, d = v - entry[s];
    if (!Number.isInteger(v) || total + d > EXACT) return rebuildAll();
    entry[s] = v;
    total += d;
    for (let i = s + 1; i <= n; i += i & -i) tree[i] += d;
  }

  /**
   * A weight-proportional draw, only when some entry is positive: u uniform on [0, total), the
   * first server whose cumulative entry exceeds u. Exact mode finds it by descending the tree
   * (sums of whole numbers, exact: the server the cumulative array's binary search finds).
   */
  function draw(): number {
    if (exact) {
      const u = ctx.rng.next() * total;
      let pos = 0, below = 0;
      for (let step = top; step > 0; step >>= 1) {
        const next = pos + step;
        if (next <= n && below + tree[next] <= u) {
          pos = next;
          below += tree[next];
        }
      }
      return pos;
    }
    const c = cumulative!, u = ctx.rng.next() * c[m - 1];
    let lo = 0, hi = m - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (c[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    return server![lo];
  }

  return {
    pick() {
      if (exact ? total === 0 : m === 0) return -1;
      const s = draw();
      if (ctx.eligible[s] === 1) return s;
      rebuildAll(); // eligibility changed without rebuild(): still never return an ineligible server
      return (exact ? total === 0 : m === 0) ? -1 : draw();
    },
    rebuild,
  };
};

export const WEIGHTED_RANDOM = policy({
  name: 'weighted-random', readsOutstanding: false, description: 'random server with probability proportional to weight', create: createWeightedRandom,
});
