/**
 * join-shortest-queue: the eligible server with the fewest requests actually there (in service
 * + waiting). An ORACLE: it reads `trueLoad`, which no real balancer can see; it is the lower
 * bound for dispatch without a shared queue, and the `jsq16` workload of shared/baselines.
 * Source: queueing literature (Winston 1977; Whitt 1986).
 * Ties: the lowest server id (as the baselines do, so their sample path is reproduced exactly).
 */
import type { BalancerFactory } from './balancer.js';
import { object } from '../input/check.js';

export const createJoinShortestQueue: BalancerFactory = (ctx, options, path) => {
  object(options, path, []);
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
};
