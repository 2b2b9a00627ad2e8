/**
 * join-shortest-queue: the eligible server with the fewest requests actually there (in service
 * + waiting). An ORACLE: it reads `trueLoad`, which no real balancer can see; it is the lower
 * bound for dispatch without a shared queue.
 * Source: queueing literature (Winston 1977; Whitt 1986).
 * Ties: uniformly at random among the shortest (JSQ's definition; one draw per pick, none when
 * the minimum is unique); `ties: "lowest-id"` takes the lowest server id instead, as
 * shared/baselines' `jsq16` does (so the jsq16 preset reproduces their sample path exactly).
 * From 32 servers the loads are kept in a `BucketIndex` (O(1) per change of load); smaller pools
 * scan. Both make the same choices from the same draws. The instances of a fleet share one index
 * (it is over the pool's load), told of each change once.
 */
import type { Balancer, BalancerContext, BalancerFactory } from './balancer.js';
import { KeyedBucketIndex } from './bucket-index.js';
import { INDEX_FROM } from './min-index.js';
import { allEligible } from './eligible.js';
import { policy, readOptions } from './options.js';
import { sharedFor } from './shared.js';

export const JSQ_TIES = ['random', 'lowest-id'] as const;
const OPTIONS = { ties: { type: 'enum', values: JSQ_TIES, default: 'random' } } as const;

/** Indexes shared by instances over the same true-load and eligibility arrays. */
const indexes = new WeakMap<Int32Array, WeakMap<Uint8Array, KeyedBucketIndex>>();

/**
 * The `BucketIndex` of the eligible servers' true loads over `ctx`'s arrays: a function of the
 * pool alone, so the instances of a fleet share one (each told of every change: the first applies
 * it, the others find the key unchanged), where 100 instances each kept their own and paid 100
 * updates per change of load.
 */
export function sharedLoadIndex(ctx: BalancerContext): KeyedBucketIndex {
  const load = ctx.trueLoad, eligible = ctx.eligible;
  return sharedFor(indexes, load, eligible, () => new KeyedBucketIndex(ctx.size, (s) => (allEligible(ctx) || eligible[s] === 1 ? load[s] : Infinity)));
}

/** The same choices from a `BucketIndex` of the eligible servers' true loads (shared by a fleet: `sharedLoadIndex`). */
export function indexedJoinShortestQueue(ctx: BalancerContext, lowestId: boolean): Balancer {
  const eligible = ctx.eligible;
  const keyed = sharedLoadIndex(ctx);
  const index = keyed.index;
  const choose = (): number => (lowestId ? (index.ties() === 0 ? -1 : index.nthMinimum(0)) : index.pick(ctx.rng));
  return {
    pick() {
      const s = choose();
      if (s < 0 || allEligible(ctx) || eligible[s] === 1) return s;
      keyed.rebuild(); // eligibility changed without rebuild(): still never return an ineligible server
      return choose();
    },
    rebuild: (s = -1) => keyed.changed(s), // one server's key when told which changed
    trueLoadChanged: (s) => keyed.changed(s),
    fleetShared: true, // the index is the fleet's: told once per change
  };
}

export const createJoinShortestQueue: BalancerFactory = (ctx, options, path) => {
  const lowestId = readOptions(OPTIONS, options, path).ties === 'lowest-id';
  // The index is over the pool's true load, not an instance's counts: a large fleet's instances share it too.
  return ctx.size >= INDEX_FROM ? indexedJoinShortestQueue(ctx, lowestId) : scanJoinShortestQueue(ctx, lowestId);
};

/** The full scan (lowest id, or one draw among the tied minima). */
export function scanJoinShortestQueue(ctx: BalancerContext, lowestId: boolean): Balancer {
  const load = ctx.trueLoad; // one read: the model keeps the true load from the first one on
  if (lowestId) {
    return {
      pick() {
        const n = ctx.size, eligible = ctx.eligible;
        let best = -1, bestLoad = 0x7fffffff;
        for (let s = 0; s < n; s++) {
          if (eligible[s] === 1 && load[s] < bestLoad) {
            best = s; bestLoad = load[s];
          }
        }
        return best;
      },
    };
  }
  return {
    pick() {
      const n = ctx.size, eligible = ctx.eligible;
      let best = -1, bestLoad = 0x7fffffff, ties = 0;
      for (let s = 0; s < n; s++) {
        if (eligible[s] !== 1) continue;
        const l = load[s];
        if (l < bestLoad) {
          best = s; bestLoad = l; ties = 1;
        } else if (l === bestLoad) {
          ties++;
        }
      }
      if (ties <= 1) return best;
      // The k-th of the tied servers, k uniform in [0, ties), counting from `best` (the first).
      let k = Math.floor(ctx.rng.next() * ties);
      if (k === 0) return best;
      for (let s = best + 1; s < n; s++) {
        if (eligible[s] === 1 && load[s] === bestLoad && --k === 0) return s;
      }
      return best; // not reached
    },
  };
}

export const JOIN_SHORTEST_QUEUE = policy({
  name: 'join-shortest-queue', aliases: ['jsq'], readsOutstanding: false, description: 'oracle: fewest requests actually at the server; ties at random (or lowest id)',
  options: OPTIONS, create: createJoinShortestQueue,
});
