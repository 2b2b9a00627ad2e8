/**
 * The figures of one run that experiments report, by column name (as in `compare --csv`): latency
 * of succeeded requests in ms, rates per second, shares of arrivals (0..1), the servers' mean
 * utilisation (0..1), max/mean load and retry amplification (attempts per request).
 */
import type { Summary } from '../model/summary.js';

export interface RunMetric {
  name: string;
  /** The figure of one run. */
  of: (s: Summary) => number;
  /** A latency: it means nothing for a run where no request succeeded (reported as missing then). */
  latency: boolean;
}

/** A share of a run's arrivals (0 when none arrived). */
const share = (s: Summary, n: number) => (s.requests.arrived > 0 ? n / s.requests.arrived : 0);

const metric = (name: string, of: (s: Summary) => number, latency = false): RunMetric => ({ name, of, latency });

export const RUN_METRICS: readonly RunMetric[] = [
  metric('meanMs', (s) => s.latencyMs.mean, true), metric('p50Ms', (s) => s.latencyMs.p50, true), metric('p90Ms', (s) => s.latencyMs.p90, true),
  metric('p95Ms', (s) => s.latencyMs.p95, true), metric('p99Ms', (s) => s.latencyMs.p99, true), metric('p999Ms', (s) => s.latencyMs.p999, true),
  metric('throughputPerSec', (s) => s.throughputPerSec), metric('goodputPerSec', (s) => s.client.goodputPerSec),
  metric('succeededShare', (s) => share(s, s.requests.succeeded)), metric('failedShare', (s) => share(s, s.requests.failed)),
  metric('timedOutShare', (s) => share(s, s.requests.timedOut)), metric('droppedShare', (s) => share(s, s.requests.dropped)),
  metric('rejectedShare', (s) => share(s, s.requests.rejected)),
  metric('utilization', (s) => (s.servers.length ? s.servers.reduce((u, v) => u + v.utilization, 0) / s.servers.length : 0)),
  metric('maxOverMean', (s) => s.imbalance.maxOverMean), metric('amplification', (s) => s.client.amplification),
];

/** The metric named `name`, or undefined. */
export function runMetric(name: string): RunMetric | undefined {
  return RUN_METRICS.find((m) => m.name === name);
}
