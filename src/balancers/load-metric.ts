/**
 * Load metrics: what "least loaded" means to a selection rule (Finagle's second axis, beside
 * P2C / full scan). `load(s)` is read at pick time (lower is better); `observe` sees every
 * response this balancer gets. By default latencies are learnt from successful responses only:
 * a drop or a failure says nothing about service time. With `observeErrors` the latency metrics
 * learn from every response, as Finagle's PeakEwma does (it relies on separate failure accrual):
 * then a host that fails fast looks fast and draws traffic (the "fast failure black hole").
 */
import type { BalancerContext } from './balancer.js';

export interface LoadMetric {
  load(server: number): number;
  observe?(server: number, latencyMs: number, ok: boolean): void;
}

export const METRICS = ['outstanding', 'peak-ewma', 'latency-ewma'] as const;
export type MetricName = (typeof METRICS)[number];

/** Load of a server with pending requests but no latency sample yet: Finagle's Penalty. */
export const PENALTY = 2 ** 52;

/** The balancer's own open requests. */
export function outstandingMetric(ctx: BalancerContext): LoadMetric {
  const open = ctx.outstanding;
  return { load: (s) => open[s] };
}

/**
 * Peak-EWMA, as Finagle `PeakEwma.scala`: at time gap Δt since the server's last observation,
 * w = exp(−Δt/τ); `observe(rtt)`: if rtt > cost then cost = rtt (peak) else
 * cost = cost·w + rtt·(1 − w). Every read first does observe(0), so the cost decays while the
 * server is not sampled. load = cost·(pending + 1), or PENALTY + pending when cost = 0 and
 * requests are pending. Stamps start at time 0 (Finagle: the metric's creation).
 */
export function peakEwmaMetric(ctx: BalancerContext, decayMs: number, observeErrors = false): LoadMetric & { readonly cost: Float64Array } {
  const cost = new Float64Array(ctx.size), stamp = new Float64Array(ctx.size);
  const update = (s: number, rtt: number): void => {
    const t = ctx.now();
    const w = Math.exp(-Math.max(t - stamp[s], 0) / decayMs);
    cost[s] = rtt > cost[s] ? rtt : cost[s] * w + rtt * (1 - w);
    stamp[s] = t;
  };
  return {
    cost,
    load(s) {
      update(s, 0);
      const pending = ctx.outstanding[s];
      return cost[s] === 0 && pending !== 0 ? PENALTY + pending : cost[s] * (pending + 1);
    },
    observe(s, latencyMs, ok) {
      if ((ok || observeErrors) && latencyMs >= 0 && latencyMs < Infinity) update(s, latencyMs);
    },
  };
}

/**
 * Time-decayed EWMA of latency (no peak rule, no decay on reads): the first sample sets it,
 * later ones blend with w = exp(−Δt/τ) as above. load = (pending + 1)·ewma; an unsampled server
 * has load 0 when idle (so it gets probed) and PENALTY + pending otherwise.
 */
export function latencyEwmaMetric(ctx: BalancerContext, decayMs: number, observeErrors = false): LoadMetric & { readonly ewma: Float64Array } {
  const ewma = new Float64Array(ctx.size), stamp = new Float64Array(ctx.size), sampled = new Uint8Array(ctx.size);
  return {
    ewma,
    load(s) {
      const pending = ctx.outstanding[s];
      if (sampled[s] === 0) return pending === 0 ? 0 : PENALTY + pending;
      return ewma[s] * (pending + 1);
    },
    observe(s, latencyMs, ok) {
      if ((!ok && !observeErrors) || !(latencyMs >= 0 && latencyMs < Infinity)) return;
      const t = ctx.now();
      if (sampled[s] === 0) {
        ewma[s] = latencyMs;
        sampled[s] = 1;
      } else {
        const w = Math.exp(-Math.max(t - stamp[s], 0) / decayMs);
        ewma[s] = ewma[s] * w + latencyMs * (1 - w);
      }
      stamp[s] = t;
    },
  };
}

export function createLoadMetric(ctx: BalancerContext, name: MetricName, decayMs: number, observeErrors = false): LoadMetric {
  if (name === 'peak-ewma') return peakEwmaMetric(ctx, decayMs, observeErrors);
  if (name === 'latency-ewma') return latencyEwmaMetric(ctx, decayMs, observeErrors);
  return outstandingMetric(ctx);
}
