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
import type { Balancer, BalancerContext, BalancerFactory, OpenServers } from './balancer.js';
import type { Rng } from '../random/rng.js';
import { KeyedBucketIndex } from './bucket-index.js';
import { INDEX_FROM, KeyedMinIndex } from './min-index.js';
import { allEligible, type EligibleIndex } from './eligible.js';
import { sharedForOption } from './shared.js';
import { doubled } from './doubled.js';
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
  const index = leastConnectionsIndex(ctx, weighted);
  return { pick: () => index.pick(ctx.rng), rebuild: index.rebuild, outstandingChanged: index.outstandingChanged };
}

/** The index behind `indexedLeastConnections`, drawing its ties from the stream it is given. */
interface LeastConnectionsIndex {
  pick(rng: Rng): number;
  rebuild(s?: number): void;
  outstandingChanged(s: number): void;
}

function leastConnectionsIndex(ctx: BalancerContext, weighted: boolean): LeastConnectionsIndex {
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
    pick(rng) {
      const s = keyed.index.pick(rng);
      if (s < 0 || allEligible(ctx) || eligible[s] === 1) return s;
      keyed.rebuild(); // eligibility changed without rebuild(): still never return an ineligible server
      return keyed.index.pick(rng);
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

/** Whether every server's weight is above 0, for the instances over one weights array; recounted after a change. */
class PositiveWeights {
  private static readonly fleets = new WeakMap<Float64Array, PositiveWeights>();
  private stale = true;
  private all = false;
  /** `poolChanges` when last counted. */
  private version = -1;

  private constructor(private readonly weights: Float64Array) {}

  /** The one over `weights` (made by the first instance that asks). */
  static of(weights: Float64Array): PositiveWeights {
    let p = PositiveWeights.fleets.get(weights);
    if (!p) PositiveWeights.fleets.set(weights, (p = new PositiveWeights(weights)));
    return p;
  }

  /** The weights changed (for instances without a fleet's count of changes). */
  changed(): void {
    this.stale = true;
  }

  /** Whether every weight is above 0; `poolChanges`: the fleet's count of changes (recounted when it moved). */
  get(poolChanges?: number): boolean {
    if (this.stale || (poolChanges !== undefined && poolChanges !== this.version)) {
      this.all = this.weights.every((w) => w > 0);
      this.stale = false;
      this.version = poolChanges ?? -1;
    }
    return this.all;
  }
}

/**
 * The same choices for an instance of a large fleet that counts its own requests
 * (`ctx.openServers`), without reading every server: every eligible server it has no request at
 * has load 0, the lowest there is, so the minimum is 0 with t = (eligible servers) − (those of
 * `openServers` that are eligible) ties, and the ⌊u·t⌋-th of them in id order comes from the
 * eligible index, stepping over those. Weighted, the same while every weight is above 0 (0/w is
 * 0); else, or when this instance has a request at every eligible server, it scans.
 */
function sparseLeastConnections(ctx: BalancerContext, weighted: boolean, index: EligibleIndex, open: OpenServers): Balancer {
  const scan = scanLeastConnections(ctx, weighted), eligible = ctx.eligible, counts = ctx.outstanding;
  const weights = weighted ? PositiveWeights.of(ctx.weights) : null;
  let held = new Int32Array(16);
  return {
    pick() {
      if (weights !== null && !weights.get(ctx.poolChanges)) return scan.pick(0);
      const ids = open.ids;
      let m = 0;
      for (let i = 0; i < open.count; i++) {
        const s = ids[i];
        if (eligible[s] !== 1 || counts[s] === 0) continue;
        if (m === held.length) held = doubled(held);
        held[m++] = s;
      }
      const ties = index.count - m;
      if (ties <= 0) return scan.pick(0);
      return index.nthExcept(ties === 1 ? 0 : Math.floor(ctx.rng.next() * ties), held, m);
    },
    // With the fleet's count of changes no instance need be told (10,000 calls per change).
    rebuild: weights === null || ctx.poolChanges !== undefined ? undefined : () => weights.changed(),
  };
}

/**
 * Shared counts (`view.load: reported`: every instance reads the same reports): one index for
 * the fleet (`fleetShared`), told of each change once, each instance drawing its own ties.
 */
const reportedIndexes = new WeakMap<Int32Array, WeakMap<Uint8Array, Map<boolean, LeastConnectionsIndex>>>();

export const createLeastConnections: BalancerFactory = (ctx, options, path) => {
  const { weighted } = readOptions(OPTIONS, options, path);
  if (ctx.shared && !ctx.reported && ctx.openServers && ctx.eligibleIndex) return sparseLeastConnections(ctx, weighted, ctx.eligibleIndex, ctx.openServers);
  if (ctx.size < INDEX_FROM) return scanLeastConnections(ctx, weighted);
  if (!ctx.reported) return ctx.shared ? scanLeastConnections(ctx, weighted) : indexedLeastConnections(ctx, weighted);
  const shared = sharedForOption(reportedIndexes, ctx.outstanding, ctx.eligible, weighted, () => leastConnectionsIndex(ctx, weighted)), rng = ctx.rng;
  return { pick: () => shared.pick(rng), rebuild: shared.rebuild, outstandingChanged: shared.outstandingChanged, fleetShared: true };
};

export const LEAST_CONNECTIONS = policy({
  name: 'least-connections', aliases: ['lc'], description: "fewest of the balancer's own open requests; random ties",
  options: OPTIONS, create: createLeastConnections,
});
