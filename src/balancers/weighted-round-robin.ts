/**
 * weighted-round-robin: NGINX's smooth weighted round robin. Every pick, each eligible server's
 * `current += weight`; the server with the largest `current` is picked and its `current -= total`
 * (total = sum of eligible weights). Weights 5, 1, 1 give a a b a c a a: no bursts.
 * Source: NGINX `ngx_http_upstream_round_robin.c` (`ngx_http_upstream_get_peer`).
 * Ties: the lowest server id (NGINX keeps the first maximum found).
 */
import type { BalancerFactory } from './balancer.js';
import { object } from '../input/check.js';
import { policy } from './options.js';

export const createWeightedRoundRobin: BalancerFactory = (ctx, options, path) => {
  object(options, path, []);
  const current = new Float64Array(ctx.size);
  return {
    pick() {
      const n = ctx.size, eligible = ctx.eligible, w = ctx.weights;
      let best = -1, total = 0;
      for (let s = 0; s < n; s++) {
        if (eligible[s] !== 1 || w[s] <= 0) continue;
        current[s] += w[s];
        total += w[s];
        if (best < 0 || current[s] > current[best]) best = s;
      }
      if (best >= 0) current[best] -= total;
      return best;
    },
    rebuild() {
      current.fill(0);
    },
  };
};

export const WEIGHTED_ROUND_ROBIN = policy({
  name: 'weighted-round-robin', aliases: ['wrr'], description: "NGINX's smooth weighted round robin", create: createWeightedRoundRobin,
});
