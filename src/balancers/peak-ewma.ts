/**
 * peak-ewma: power of two choices over Finagle's Peak-EWMA load, cost × (pending + 1), where cost
 * follows each server's latency peaks at once and decays with time constant τ = `decayMs`
 * (default 10 000, Finagle's 10 s) — also while the server is not sampled, since every read
 * decays it first. A server with pending requests and no sample costs PENALTY + pending.
 * The formula is in `load-metric.ts` (`peakEwmaMetric`); pending = this balancer's own open
 * requests; only successful responses are observed unless `observeErrors` (then every response,
 * as Finagle). Same as `power-of-two` with `metric: "peak-ewma"`.
 * Source: Finagle `PeakEwma.scala` with `P2CPeakEwma`; Linkerd's default balancer.
 * Ties: the server drawn first.
 */
import type { BalancerFactory } from './balancer.js';
import { policy, readOptions } from './options.js';

const OPTIONS = {
  decayMs: { type: 'number', above: 0, default: 10_000 },
  observeErrors: { type: 'boolean', default: false },
} as const;
import { createP2C } from './power-of-two.js';
import { createLoadMetric } from './load-metric.js';

export const createPeakEwma: BalancerFactory = (ctx, options, path) => {
  const { decayMs, observeErrors } = readOptions(OPTIONS, options, path);
  return createP2C(ctx, 2, createLoadMetric(ctx, 'peak-ewma', decayMs, observeErrors));
};

export const PEAK_EWMA = policy({
  name: 'peak-ewma', aliases: ['pewma'], observeReadsOutstanding: false, description: "Finagle's P2C over peak-sensitive EWMA latency × (pending + 1)",
  options: OPTIONS, create: createPeakEwma,
});
