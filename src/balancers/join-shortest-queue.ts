/**
 * join-shortest-queue: the eligible server with the fewest requests actually there (in service
 * + waiting). An ORACLE: it reads `trueLoad`, which no real balancer can see; it is the lower
 * bound for dispatch without a shared queue.
 * Source: queueing literature (Winston 1977; Whitt 1986).
 * Ties: uniformly at random among the shortest (JSQ's definition; one draw per pick, none when
 * the minimum is unique); `ties: "lowest-id"` takes the lowest server id instead, as
 * shared/baselines' `jsq16` does (so the jsq16 preset reproduces their sample path exactly).
 */
import type { BalancerFactory } from './balancer.js';
import { policy, readOptions } from './options.js';

export const JSQ_TIES = ['random', 'lowest-id'] as const;
const OPTIONS = { ties: { type: 'enum', values: JSQ_TIES, default: 'random' } } as const;

export const createJoinShortestQueue: BalancerFactory = (ctx, options, path) => {
  const lowestId = readOptions(OPTIONS, options, path).ties === 'lowest-id';
  if (lowestId) {
    return {
      pick() {
        const n = ctx.size, eligible = ctx.eligible, load = ctx.trueLoad;
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
      const n = ctx.size, eligible = ctx.eligible, load = ctx.trueLoad;
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
};

export const JOIN_SHORTEST_QUEUE = policy({
  name: 'join-shortest-queue', aliases: ['jsq'], description: 'oracle: fewest requests actually at the server; ties at random (or lowest id)',
  options: OPTIONS, create: createJoinShortestQueue,
});
