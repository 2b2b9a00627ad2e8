/**
 * power-of-two (alias p2c): draw `choices` (default 2) distinct eligible servers uniformly at
 * random and send to the least loaded by `metric`: "outstanding" (this balancer's open
 * requests, default), "peak-ewma" (Finagle's cost × (pending + 1)) or "latency-ewma"
 * ((pending + 1) × EWMA latency); `decayMs` (τ, default 10 000) and `observeErrors` (learn
 * latency from failed responses too, default false) for the latter two. Drawing
 * without replacement means a server loaded above all others is never picked when d ≥ 2
 * (Envoy's with-replacement variant picks it with probability 1/n²: see least-request-weighted).
 * Source: Mitzenmacher, "The Power of Two Choices in Randomized Load Balancing", 2001; Finagle
 * P2C (the two-distinct-draws trick: b = rand(n − 1), shifted past a).
 * Ties: the server drawn first.
 */
import type { Balancer, BalancerContext, BalancerFactory } from './balancer.js';
import { policy, readOptions, requireFor } from './options.js';
import { allEligible, countEligible, nthEligible } from './eligible.js';
import { METRICS, createLoadMetric, type LoadMetric } from './load-metric.js';

const OPTIONS = {
  choices: { type: 'number', integer: true, min: 1, max: 64, default: 2 },
  metric: { type: 'enum', values: METRICS, default: 'outstanding' },
  decayMs: { type: 'number', above: 0, note: '10000 (latency metrics only)' },
  observeErrors: { type: 'boolean', note: 'false (latency metrics only)' },
} as const;

export const createPowerOfTwo: BalancerFactory = (ctx, options, path) => {
  const { choices: d, metric, decayMs, observeErrors } = readOptions(OPTIONS, options, path);
  const latencyMetric = metric !== 'outstanding';
  requireFor(latencyMetric, path, 'decayMs', decayMs, 'no decayMs with metric "outstanding" (it applies to "peak-ewma" and "latency-ewma")');
  requireFor(latencyMetric, path, 'observeErrors', observeErrors, 'no observeErrors with metric "outstanding" (it applies to "peak-ewma" and "latency-ewma")');
  return createP2C(ctx, d, createLoadMetric(ctx, metric, decayMs ?? 10_000, observeErrors ?? false));
};

/** Best of `d` distinct random eligible servers by `metric` (each drawn server's load read once). */
export function createP2C(ctx: BalancerContext, d: number, metric: LoadMetric): Balancer {
  const drawn = new Int32Array(d);
  /** The eligible servers' list, built only without the context's index (a fleet's instances share the index). */
  let scratch: Int32Array | null = null;
  const rng = ctx.rng, eligible = ctx.eligible;

  /** Positions of the eligible servers' list that pickSlow's swaps moved, and what they hold now. */
  const movedAt = new Int32Array(2 * d), movedTo = new Int32Array(2 * d);

  /**
   * Partial Fisher–Yates over the eligible servers (in id order). With the context's index the
   * list is not built: the j-th is read from the index, and the few positions the swaps touched
   * from movedAt/movedTo, O(d² + d log n) instead of O(n), with the same draws and choice.
   */
  function pickSlow(): number {
    const index = ctx.eligibleIndex;
    if (index) {
      const m = index.count;
      if (m === 0) return -1;
      const k = Math.min(d, m);
      let moved = 0, best = -1, bestLoad = 0;
      for (let i = 0; i < k; i++) {
        const j = i + Math.floor(rng.next() * (m - i));
        let at = -1, ai = -1;
        for (let x = 0; x < moved; x++) {
          if (movedAt[x] === j) at = x;
          if (movedAt[x] === i) ai = x;
        }
        const s = at >= 0 ? movedTo[at] : index.nth(j);
        const si = ai >= 0 ? movedTo[ai] : index.nth(i);
        if (at < 0) { at = moved; movedAt[moved++] = j; }
        movedTo[at] = si; // position j now holds what position i held
        // (position i holds s: never read again, as later draws start at i + 1)
        const load = metric.load(s);
        if (best < 0 || load < bestLoad) { best = s; bestLoad = load; }
      }
      return best;
    }
    let m = 0;
    if (scratch === null) scratch = new Int32Array(ctx.size);
    for (let s = 0; s < ctx.size; s++) if (eligible[s] === 1) scratch[m++] = s;
    if (m === 0) return -1;
    const k = Math.min(d, m);
    let best = -1, bestLoad = 0;
    for (let i = 0; i < k; i++) {
      const j = i + Math.floor(rng.next() * (m - i));
      const s = scratch[j];
      scratch[j] = scratch[i];
      scratch[i] = s;
      const load = metric.load(s);
      if (best < 0 || load < bestLoad) { best = s; bestLoad = load; }
    }
    return best;
  }

  /**
   * d distinct uniform draws by rejection (n ≥ 2d keeps rejections rare). Accepted only when all
   * are eligible; otherwise pickSlow draws afresh. Conditioned on acceptance the set is a uniform
   * d-subset of the eligible servers, so the mixture stays uniform.
   */
  function pickRejection(n: number): number {
    for (let i = 0; i < d; i++) {
      let s = 0, again = true;
      while (again) {
        s = Math.floor(rng.next() * n);
        again = false;
        for (let j = 0; j < i; j++) if (drawn[j] === s) again = true;
      }
      if (eligible[s] !== 1) return pickSlow();
      drawn[i] = s;
    }
    let best = drawn[0], bestLoad = metric.load(best);
    for (let i = 1; i < d; i++) {
      const load = metric.load(drawn[i]);
      if (load < bestLoad) { best = drawn[i]; bestLoad = load; }
    }
    return best;
  }

  const balancer: Balancer = {
    pick() {
      const n = ctx.size;
      if (d === 2 && n >= 2) {
        const a = Math.floor(rng.next() * n);
        let b = Math.floor(rng.next() * (n - 1));
        if (b >= a) b++;
        if (allEligible(ctx) || (eligible[a] === 1 && eligible[b] === 1)) return metric.load(b) < metric.load(a) ? b : a;
        if (countEligible(ctx) < 2) return nthEligible(ctx, 0);
        return pickSlow();
      }
      return n >= 2 * d ? pickRejection(n) : pickSlow();
    },
  };
  if (metric.observe) balancer.observe = metric.observe;
  return balancer;
}

export const POWER_OF_TWO = policy({
  name: 'power-of-two', aliases: ['p2c'], observeReadsOutstanding: false,
  description: 'best of `choices` (2) distinct random servers by `metric` (open requests, peak-ewma, latency-ewma)',
  options: OPTIONS, create: createPowerOfTwo,
});
