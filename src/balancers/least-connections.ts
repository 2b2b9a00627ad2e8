/**
 * least-connections: the eligible server with the fewest of this balancer's own open requests;
 * with `weighted: true`, the fewest per unit of weight (servers of weight 0 are skipped).
 * Source: HAProxy `leastconn`, NGINX `least_conn`.
 * Ties: uniformly at random among the minima (reservoir sampling, one draw per tie).
 */
import type { BalancerFactory } from './balancer.js';
import { policy, readOptions } from './options.js';

const OPTIONS = { weighted: { type: 'boolean', default: false } } as const;

export const createLeastConnections: BalancerFactory = (ctx, options, path) => {
  const { weighted } = readOptions(OPTIONS, options, path);
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
        }
        if (load < bestLoad) {
          best = s; bestLoad = load; ties = 1;
        } else if (load === bestLoad && ctx.rng.next() * ++ties < 1) {
          best = s;
        }
      }
      return best;
    },
  };
};

export const LEAST_CONNECTIONS = policy({
  name: 'least-connections', aliases: ['lc'], description: "fewest of the balancer's own open requests; random ties",
  options: OPTIONS, create: createLeastConnections,
});
