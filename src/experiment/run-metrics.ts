/**
 * The figures of one run that experiments report, by column name (as in `compare --csv`): latency
 * of succeeded requests in ms, rates per second, shares of arrivals (0..1), the servers' mean
 * utilisation (0..1), max/mean load and retry amplification (attempts per request). For services
 * calling services these are the end-to-end view (what the entry's clients see), and
 * `services.<name>.<figure>` reports one service (SERVICE_FIGURES).
 */
import type { Summary } from '../model/summary.js';
import type { ServiceSummary, TopologySummary } from '../model/topology-summary.js';

export interface RunMetric {
  name: string;
  /** The figure of one run. */
  of: (s: Summary) => number;
  /** A latency: it means nothing for a run where no request succeeded (reported as missing then). */
  latency: boolean;
  /** True when the figure means nothing for run `s` (a latency where nothing succeeded): reported as missing. */
  missing: (s: Summary) => boolean;
  /** The service a `services.<name>.<figure>` metric reports. */
  service?: string;
}

/** A share of a run's arrivals (0 when none arrived). */
const share = (s: Summary, n: number) => (s.requests.arrived > 0 ? n / s.requests.arrived : 0);

const metric = (name: string, of: (s: Summary) => number, latency = false): RunMetric =>
  ({ name, of, latency, missing: latency ? (s) => s.requests.succeeded === 0 : () => false });

export const RUN_METRICS: readonly RunMetric[] = [
  metric('meanMs', (s) => s.latencyMs.mean, true), metric('p50Ms', (s) => s.latencyMs.p50, true), metric('p90Ms', (s) => s.latencyMs.p90, true),
  metric('p95Ms', (s) => s.latencyMs.p95, true), metric('p99Ms', (s) => s.latencyMs.p99, true), metric('p999Ms', (s) => s.latencyMs.p999, true),
  metric('throughputPerSec', (s) => s.throughputPerSec), metric('goodputPerSec', (s) => s.client.goodputPerSec),
  metric('succeededShare', (s) => share(s, s.requests.succeeded)), metric('failedShare', (s) => share(s, s.requests.failed)),
  metric('timedOutShare', (s) => share(s, s.requests.timedOut)), metric('droppedShare', (s) => share(s, s.requests.dropped)),
  metric('rejectedShare', (s) => share(s, s.requests.rejected)),
  metric('utilization', (s) => s.serverStats ? s.serverStats.utilization.mean : s.servers.length ? s.servers.reduce((u, v) => u + v.utilization, 0) / s.servers.length : 0),
  metric('maxOverMean', (s) => s.imbalance.maxOverMean), metric('amplification', (s) => s.client.amplification),
];

/**
 * A service's figures (`services.<name>.<figure>`): latency of its succeeded attempts (their calls
 * included), completions per second, its servers' mean utilisation, succeeded share of the
 * attempts it received, and its amplification (attempts per call).
 */
export const SERVICE_FIGURES: Readonly<Record<string, readonly [(c: ServiceSummary) => number, boolean]>> = {
  meanMs: [(c) => c.latencyMs.mean, true], p50Ms: [(c) => c.latencyMs.p50, true], p99Ms: [(c) => c.latencyMs.p99, true],
  throughputPerSec: [(c) => c.throughputPerSec, false], utilization: [(c) => c.utilization, false],
  succeededShare: [(c) => (c.attempts > 0 ? c.succeeded / c.attempts : 0), false], amplification: [(c) => c.amplification, false],
};

const SERVICE_METRIC = /^services\.([^.]+)\.([A-Za-z0-9]+)$/;

/** The metric named `name` (a run metric, or `services.<name>.<figure>`), or undefined. */
export function runMetric(name: string): RunMetric | undefined {
  const known = RUN_METRICS.find((m) => m.name === name);
  if (known) return known;
  const match = SERVICE_METRIC.exec(name);
  const figure = match && Object.prototype.hasOwnProperty.call(SERVICE_FIGURES, match[2]) ? SERVICE_FIGURES[match[2]] : undefined;
  if (!match || !figure) return undefined;
  const service = match[1], [f, latency] = figure;
  const of = (s: Summary) => {
    const c = (s as TopologySummary).services?.[service];
    return c ? f(c) : NaN;
  };
  const missing = (s: Summary) => {
    const c = (s as TopologySummary).services?.[service];
    return !c || (latency && c.succeeded === 0);
  };
  return { name, of, latency, missing, service };
}
