/**
 * least-time: the eligible server with the smallest (outstanding + 1) × EWMA(latency), a full
 * scan. The EWMA is time-decayed with τ = `decayMs` (default 10 000): the first sample sets it,
 * later ones blend with w = exp(−Δt/τ). An unsampled idle server scores 0 (it gets probed), an
 * unsampled busy one PENALTY + outstanding (see `latencyEwmaMetric` in load-metric.ts).
 * Latency = response time as this balancer observed it, successful responses only (every response
 * with `observeErrors`); NGINX Plus
 * measures `header` or `last_byte` time, and its averaging is not published.
 * Source: NGINX Plus `least_time` (ngx_http_upstream_module docs).
 * Ties: uniformly at random among the minima (reservoir sampling).
 */
import type { BalancerFactory } from './balancer.js';
import { policy, readOptions } from './options.js';

const OPTIONS = {
  decayMs: { type: 'number', above: 0, default: 10_000 },
  observeErrors: { type: 'boolean', default: false },
} as const;
import { latencyEwmaMetric } from './load-metric.js';

export const createLeastTime: BalancerFactory = (ctx, options, path) => {
  const { decayMs, observeErrors } = readOptions(OPTIONS, options, path);
  const metric = latencyEwmaMetric(ctx, decayMs, observeErrors);
  return {
    pick() {
      const n = ctx.size, eligible = ctx.eligible;
      let best = -1, bestLoad = Infinity, ties = 0;
      for (let s = 0; s < n; s++) {
        if (eligible[s] !== 1) continue;
        const load = metric.load(s);
        if (load < bestLoad) {
          best = s; bestLoad = load; ties = 1;
        } else if (load === bestLoad && ctx.rng.next() * ++ties < 1) {
          best = s;
        }
      }
      return best;
    },
    observe: metric.observe,
  };
};

export const LEAST_TIME = policy({
  name: 'least-time', description: 'NGINX Plus least_time: min (open + 1) × EWMA latency; random ties', options: OPTIONS, create: createLeastTime,
});
