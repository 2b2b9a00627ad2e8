/**
 * least-connections: the eligible server with the fewest of this balancer's own open requests;
 * with `weighted: true`, the fewest per unit of weight (servers of weight 0 are skipped).
 * Source: HAProxy `leastconn`, NGINX `least_conn`.
 * Ties: uniformly at random among the minima, by one draw per pick (none when the minimum is
 * unique): the ⌊u·t⌋-th of the t tied servers in id order.
 * From 32 servers the counts are kept in a `BucketIndex` (O(1) per change of count; a `MinIndex`,
 * O(log n), for the per-weight loads while servers' weights differ); smaller pools scan. All make
 * the same choices from the same draws.
 */
import type { Balancer, BalancerContext, BalancerFactory } from './balancer.js';
import { KeyedBucketIndex } from './bucket-index.js';
import { INDEX_FROM, KeyedMinIndex } from './min-index.js';
import { allEligible } from './eligible.js';
import { policy, readOptions } from './options.js';

const OPTIONS = { weighted: { type: 'boolean', default: false } } as const;

/** The full scan: every eligible server's load, then one draw among the tied minima. */
export function scanLeastConnections(ctx: BalancerContext, weighted: boolean): Balancer {
  return {
    pick() {
      const n = ctx.size, eligible = ctx.eligible, open = ctx.outstanding, w = ctx.weights;
      let best = -1, bestLoad = Infinity, ties = 0;
      for (let s = 0; s < n; s++) {
        if (eligible[s] !== 1) continue;
        let load = open[s];
        if (weighted) {
          if (w[s] <= 0) continue;
          load /= w[s];
          if (load === Infinity) continue; // a weight so small that open/w overflows: never chosen, as by the index
        }
        if (load < bestLoad) {
          best = s; bestLoad = load; ties = 1;
        } else if (load === bestLoad) {
          ties++;
        }
      }
      if (ties <= 1) return best;
      let k = Math.floor(ctx.rng.next() * ties);
      if (k === 0) return best;
      for (let s = best + 1; s < n; s++) {
        if (eligible[s] !== 1) continue;
        const load = weighted ? (w[s] <= 0 ? Infinity : open[s] / w[s]) : open[s];
        if (load === bestLoad && --k === 0) return s;
      }
      return best; // not reached
    },
  };
}

/**
 * The same choices from an index of the eligible servers' loads: counts in a BucketIndex; per
 * weight in a MinIndex, except while every server of positive weight has the same weight w: then
 * open/w orders and ties exactly as open does (weights ≤ 10⁶, counts are whole: distinct counts
 * stay distinct and in order after the division), so the counts' BucketIndex gives the same
 * choices in O(1) per change. A told weight that breaks the equality switches to the MinIndex
 * (O(n), once); a rebuild of the whole pool checks again.
 */
export function indexedLeastConnections(ctx: BalancerContext, weighted: boolean): Balancer {
  const open = ctx.outstanding, w = ctx.weights, eligible = ctx.eligible;
  const counts = (): KeyedBucketIndex =>
    new KeyedBucketIndex(ctx.size, weighted
      ? (s) => (eligible[s] !== 1 || w[s] <= 0 ? Infinity : open[s])
      : (s) => (allEligible(ctx) || eligible[s] === 1 ? open[s] : Infinity));
  const perWeight = (): KeyedMinIndex => new KeyedMinIndex(ctx.size, (s) => (eligible[s] !== 1 || w[s] <= 0 ? Infinity : open[s] / w[s]));
  /** True when open/x may overflow to +Infinity (open < 2^31): a key the MinIndex never picks, a count the BucketIndex would. */
  const tiny = (x: number): boolean => !(2147483648 / x < Infinity);
  /** The weight every server of positive weight has (NaN: none has one), or -1 when they differ or it is tiny. */
  const common = (): number => {
    let c = NaN;
    for (let s = 0; s < ctx.size; s++) {
      if (!(w[s] > 0) || w[s] === c) continue;
      if (c === c) return -1;
      c = w[s];
    }
    return c === c && tiny(c) ? -1 : c;
  };
  let weight = weighted ? common() : NaN;
  let keyed: KeyedBucketIndex | KeyedMinIndex = weight === -1 ? perWeight() : counts();
  return {
    pick() {
      const s = keyed.index.pick(ctx.rng);
      if (s < 0 || allEligible(ctx) || eligible[s] === 1) return s;
      keyed.rebuild(); // eligibility changed without rebuild(): still never return an ineligible server
      return keyed.index.pick(ctx.rng);
    },
    rebuild(s = -1) {
      if (weighted && s < 0) {
        const was = weight;
        weight = common();
        if ((was === -1) !== (weight === -1)) {
          keyed = weight === -1 ? perWeight() : counts(); // a fresh index, loaded whole
          return;
        }
      } else if (weighted && weight !== -1 && w[s] > 0 && w[s] !== weight) {
        // A second weight (or a tiny one): per weight from now on; else the first server of positive weight.
        weight = weight === weight || tiny(w[s]) ? -1 : w[s];
        if (weight === -1) {
          keyed = perWeight();
          return;
        }
      }
      keyed.changed(s); // one server's key when told which changed
    },
    outstandingChanged: (s) => keyed.changed(s),
  };
}

export const createLeastConnections: BalancerFactory = (ctx, options, path) => {
  const { weighted } = readOptions(OPTIONS, options, path);
  return ctx.size >= INDEX_FROM && !ctx.shared ? indexedLeastConnections(ctx, weighted) : scanLeastConnections(ctx, weighted);
};

export const LEAST_CONNECTIONS = policy({
  name: 'least-connections', aliases: ['lc'], description: "fewest of the balancer's own open requests; random ties",
  options: OPTIONS, create: createLeastConnections,
});
