/**
 * The empirical distribution function of latencies from a histogram, for charts: the latency at
 * 200 evenly spaced probabilities (0.005 … 0.995) and at 0.999, 0.9999 and 1 (the maximum), each
 * within the histogram's precision. Empty when nothing was recorded.
 */
import type { Histogram } from './histogram.js';

export interface CdfPoint {
  /** Latency, ms. */
  ms: number;
  /** Share of requests at or below it (0..1). */
  p: number;
}

const PROBABILITIES = [...Array.from({ length: 199 }, (_, i) => (i + 1) / 200), 0.999, 0.9999, 1];

export function latencyCdf(histogram: Histogram): CdfPoint[] {
  if (histogram.count === 0) return [];
  const r9 = (x: number) => Number(x.toPrecision(9));
  return PROBABILITIES.map((p) => ({ ms: r9(histogram.quantile(p)), p: r9(p) }));
}
