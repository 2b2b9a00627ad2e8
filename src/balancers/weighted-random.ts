/**
 * weighted-random: a draw over the eligible servers with probability weight / Σ weight; servers
 * of weight 0 are never chosen (all zero ⇒ -1). A pick is one uniform draw u on [0, Σ weight) and
 * the first server (id order) whose cumulative weight exceeds u. While every weight is a whole
 * number the cumulative weights are a Fenwick tree, so a server's eligibility or weight changing
 * costs O(log n) (rebuild(server)) and the draw descends the tree: its sums are exact, so the
 * choice is the one a cumulative array would give. Fractional weights (e.g. slow start's ramp)
 * make the sums depend on the order of the additions: then the cumulative array is rebuilt, O(n),
 * whenever the pool changes, as the choices always were. Either is a function of the weights and
 * eligibility alone, so the instances of a fleet (which read the same arrays) share one
 * (SharedDraw): a change is applied at the next pick, once for the whole fleet, where each of 100
 * instances rebuilding its own made a slow-start step cost 100 passes over the pool.
 * Source: Envoy RANDOM (which ignores weights) made weight-proportional, as the samwho.dev
 * essay's "weighted random" (there: by server power).
 * Ties: none.
 */
import type { BalancerContext, BalancerFactory } from './balancer.js';
import { object } from '../input/check.js';
import { policy } from './options.js';
import { ChangedServers } from './changed-servers.js';
import { sharedFor } from './shared.js';

/** Whole-number sums stay exact in a double below this. */
const EXACT = Number.MAX_SAFE_INTEGER;

/**
 * The cumulative weights of the eligible servers, for every instance reading the same weights and
 * eligibility arrays: changes are told (`changed(s)`: only server s's eligibility or weight; -1:
 * any) and applied at the next `sync`, so any number of instances told of one change (or of
 * several at one instant) cost one update: O(log n) per told server while every entry is a whole
 * number, else one O(n) pass. The state after a sync depends only on the entries (exact sums, or
 * the cumulative array summed in id order), so it is the one each instance's own rebuilds made.
 */
export class SharedDraw {
  /** Each server's entry: its weight when eligible and > 0, else 0. */
  private readonly entry: Float64Array;
  /** Exact mode (whole-number entries, total ≤ 2^53 − 1): a Fenwick tree of the entries. */
  private readonly tree: Float64Array;
  private readonly top: number;
  private exact = true;
  private total = 0;
  /** Otherwise: cumulative entries of the servers of positive entry, in id order (made when first needed). */
  private cumulative: Float64Array | null = null;
  private server: Int32Array | null = null;
  private m = 0;
  /** A told change not applied yet (`sync` before the next draw). */
  stale = false;
  private readonly told: ChangedServers;
  /** Passes over the whole pool so far, the first included (for tests). */
  passes = 0;

  constructor(private readonly ctx: BalancerContext) {
    const n = ctx.size;
    this.entry = new Float64Array(n);
    this.tree = new Float64Array(n + 1);
    let top = 1;
    while (top * 2 <= n) top *= 2;
    this.top = top;
    this.told = new ChangedServers(n);
    this.rebuildAll();
  }

  /** Server s's eligibility or weight changed (-1: any server's may have); applied at the next sync. */
  changed(s: number): void {
    this.stale = true;
    this.told.add(s);
  }

  /** Applies the changes told since the last sync. */
  sync(): void {
    const told = this.told;
    if (told.all || !this.exact) this.rebuildAll();
    else for (let i = 0; i < told.count && this.update(told.list[i]); i++);
    told.clear();
    this.stale = false;
  }

  /** True when some server may be drawn. */
  any(): boolean {
    return this.exact ? this.total !== 0 : this.m !== 0;
  }

  private rebuildAll(): void {
    const { ctx, entry, tree } = this, n = ctx.size;
    this.passes++;
    let exact = true, total = 0;
    for (let s = 0; s < n; s++) {
      const v = ctx.eligible[s] === 1 && ctx.weights[s] > 0 ? ctx.weights[s] : 0;
      entry[s] = v;
      if (!Number.isInteger(v)) exact = false;
      total += v;
    }
    if (total > EXACT) exact = false;
    this.exact = exact;
    this.total = total;
    if (exact) {
      for (let i = 1; i <= n; i++) tree[i] = entry[i - 1];
      for (let i = 1; i <= n; i++) {
        const j = i + (i & -i);
        if (j <= n) tree[j] += tree[i];
      }
      return;
    }
    if (this.cumulative === null) {
      this.cumulative = new Float64Array(n);
      this.server = new Int32Array(n);
    }
    const cumulative = this.cumulative, server = this.server!;
    let sum = 0, m = 0;
    for (let s = 0; s < n; s++) {
      if (entry[s] === 0) continue;
      sum += entry[s];
      cumulative[m] = sum;
      server[m++] = s;
    }
    this.m = m;
  }

  /** Exact mode, server `s` told: one entry of the tree, O(log n); false when that took a full pass. */
  private update(s: number): boolean {
    const { ctx, entry, tree } = this, n = ctx.size;
    const v = ctx.eligible[s] === 1 && ctx.weights[s] > 0 ? ctx.weights[s] : 0, d = v - entry[s];
    if (!Number.isInteger(v) || this.total + d > EXACT) {
      this.rebuildAll();
      return false;
    }
    entry[s] = v;
    this.total += d;
    for (let i = s + 1; i <= n; i += i & -i) tree[i] += d;
    return true;
  }

  /**
   * A weight-proportional draw from `rng`, only when `any()`: u uniform on [0, total), the first
   * server whose cumulative entry exceeds u. Exact mode finds it by descending the tree (sums of
   * whole numbers, exact: the server the cumulative array's binary search finds).
   */
  draw(rng: BalancerContext['rng']): number {
    if (this.exact) {
      const tree = this.tree, n = this.ctx.size, u = rng.next() * this.total;
      let pos = 0, below = 0;
      for (let step = this.top; step > 0; step >>= 1) {
        const next = pos + step;
        if (next <= n && below + tree[next] <= u) {
          pos = next;
          below += tree[next];
        }
      }
      return pos;
    }
    const c = this.cumulative!, u = rng.next() * c[this.m - 1];
    let lo = 0, hi = this.m - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (c[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    return this.server![lo];
  }
}

/** Draws shared by instances over the same weights and eligibility arrays. */
const draws = new WeakMap<Float64Array, WeakMap<Uint8Array, SharedDraw>>();

/** The SharedDraw of `ctx`'s weights and eligibility (made by the first instance over them). */
export function sharedDraw(ctx: BalancerContext): SharedDraw {
  return sharedFor(draws, ctx.weights, ctx.eligible, () => new SharedDraw(ctx));
}

export const createWeightedRandom: BalancerFactory = (ctx, options, path) => {
  object(options, path, []);
  const shared = sharedDraw(ctx);
  return {
    pick() {
      if (shared.stale) shared.sync();
      if (!shared.any()) return -1;
      const s = shared.draw(ctx.rng);
      if (ctx.eligible[s] === 1) return s;
      shared.changed(-1); // eligibility changed without rebuild(): still never return an ineligible server
      shared.sync();
      return shared.any() ? shared.draw(ctx.rng) : -1;
    },
    rebuild(server = -1) {
      shared.changed(server);
    },
    fleetShared: true, // the draw is the fleet's: told once per change, not by each instance
  };
};

export const WEIGHTED_RANDOM = policy({
  name: 'weighted-random', readsOutstanding: false, description: 'random server with probability proportional to weight', create: createWeightedRandom,
});
