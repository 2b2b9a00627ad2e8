/**
 * first: the eligible server with the lowest id that has a free slot, i.e. fewer than `maxConn`
 * (default 1) of this balancer's open requests; the pool fills from server 0 up, so idle
 * high-id servers can be switched off. The balancer context does not carry server concurrency,
 * so the slot count is this option (set it to the servers' concurrency to mirror HAProxy's
 * `maxconn`). When every server is full HAProxy queues the request in the backend until a slot
 * frees; there is no balancer-side queue here, so it goes to the server with the fewest open
 * requests (lowest id among them), where it waits in that server's queue.
 * Source: HAProxy `balance first` (configuration manual).
 * Ties: the lowest server id.
 */
import type { BalancerFactory } from './balancer.js';
import { policy, readOptions } from './options.js';

const OPTIONS = { maxConn: { type: 'number', integer: true, min: 1, max: 2 ** 31 - 1, default: 1 } } as const;

export const createFirst: BalancerFactory = (ctx, options, path) => {
  const { maxConn } = readOptions(OPTIONS, options, path);
  return {
    pick() {
      const n = ctx.size, eligible = ctx.eligible, open = ctx.outstanding;
      let fallback = -1;
      for (let s = 0; s < n; s++) {
        if (eligible[s] !== 1) continue;
        if (open[s] < maxConn) return s;
        if (fallback < 0 || open[s] < open[fallback]) fallback = s;
      }
      return fallback;
    },
  };
};

export const FIRST = policy({
  name: 'first', description: 'HAProxy first: lowest id with fewer than maxConn (1) open requests', options: OPTIONS, create: createFirst,
});
