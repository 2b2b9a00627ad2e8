/**
 * Load metrics: what "least loaded" means to a selection rule (Finagle's second axis, beside
 * P2C / full scan). `load(s)` is read at pick time (lower is better); `observe` sees every
 * response this balancer gets. By default latencies are learnt from successful responses only:
 * a drop or a failure says nothing about service time. With `observeErrors` the latency metrics
 * learn from every response, as Finagle's PeakEwma does (it relies on separate failure accrual):
 * then a host that fails fast looks fast and draws traffic (the "fast failure black hole").
 */
import type { BalancerContext } from './balancer.js';
import { SparseRows } from './sparse-rows.js';

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
 * `peakEwmaMetric` for an instance of a large fleet (`ctx.shared`): the same loads, with a row
 * (cost, stamp) only for servers whose cost was ever above 0. A server without one has cost 0, and
 * at cost 0 the stamp changes nothing (a sample above 0 sets the cost to itself, one of 0 keeps 0),
 * so reads and zero samples need no row.
 */
function sparsePeakEwmaMetric(ctx: BalancerContext, decayMs: number, observeErrors: boolean): LoadMetric & { readonly rows: SparseRows } {
  const rows = new SparseRows(2, ctx.size);
  const update = (r: number, rtt: number): void => {
    const d = rows.data, t = ctx.now();
    const w = Math.exp(-Math.max(t - d[r + 1], 0) / decayMs);
    d[r] = rtt > d[r] ? rtt : d[r] * w + rtt * (1 - w);
    d[r + 1] = t;
  };
  return {
    rows,
    load(s) {
      const r = rows.find(s), pending = ctx.outstanding[s];
      if (r >= 0) update(r, 0);
      const cost = r >= 0 ? rows.data[r] : 0;
      return cost === 0 && pending !== 0 ? PENALTY + pending : cost * (pending + 1);
    },
    observe(s, latencyMs, ok) {
      if (!(ok || observeErrors) || !(latencyMs >= 0 && latencyMs < Infinity)) return;
      const r = rows.find(s);
      if (r >= 0) update(r, latencyMs);
      else if (latencyMs > 0) update(rows.add(s), latencyMs);
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

/** `latencyEwmaMetric` for an instance of a large fleet (`ctx.shared`): a row (ewma, stamp) per sampled server only. */
export function sparseLatencyEwmaMetric(ctx: BalancerContext, decayMs: number, observeErrors: boolean): LoadMetric & { readonly rows: SparseRows } {
  const rows = new SparseRows(2, ctx.size);
  return {
    rows,
    load(s) {
      const pending = ctx.outstanding[s], r = rows.find(s);
      if (r < 0) return pending === 0 ? 0 : PENALTY + pending;
      return rows.data[r] * (pending + 1);
    },
    observe(s, latencyMs, ok) {
      if ((!ok && !observeErrors) || !(latencyMs >= 0 && latencyMs < Infinity)) return;
      const t = ctx.now();
      let r = rows.find(s);
      if (r < 0) {
        r = rows.add(s);
        rows.data[r] = latencyMs;
      } else {
        const w = Math.exp(-Math.max(t - rows.data[r + 1], 0) / decayMs);
        rows.data[r] = rows.data[r] * w + latencyMs * (1 - w);
      }
      rows.data[r + 1] = t;
    },
  };
}

/** The metric `name`; for an instance of a large fleet (`ctx.shared`) a latency metric keeps rows only for servers it has learnt about. */
export function createLoadMetric(ctx: BalancerContext, name: MetricName, decayMs: number, observeErrors = false): LoadMetric {
  if (name === 'peak-ewma') return ctx.shared ? sparsePeakEwmaMetric(ctx, decayMs, observeErrors) : peakEwmaMetric(ctx, decayMs, observeErrors);
  if (name === 'latency-ewma') return ctx.shared ? sparseLatencyEwmaMetric(ctx, decayMs, observeErrors) : latencyEwmaMetric(ctx, decayMs, observeErrors);
  return outstandingMetric(ctx);
}
