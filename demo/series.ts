/**
 * What the charts plot, in fixed memory: every `sampleMs` of simulated time one point with the
 * latency percentiles of the requests that succeeded in the trailing `windowMs`, and how many
 * requests reached each outcome (palette OUTCOMES) during that step, from the model's counters. Points live in ring buffers of `capacity`; the oldest is
 * overwritten. Latencies go into a ring of per-step histograms (`windowMs / sampleMs` of them),
 * merged when a point is taken, so a percentile never sorts raw data.
 */
import { Histogram } from '../src/metrics/histogram.js';
import { OUTCOMES, PERCENTILES } from './palette.js';

export const OUTCOME_COUNT = OUTCOMES.length;

export class Series {
  /** Points taken; the ring holds the last min(points, capacity). */
  points = 0;
  readonly timeMs: Float64Array;
  /** percentiles[k * capacity + i]: PERCENTILES[k] at point i (ms); NaN when no request succeeded. */
  readonly percentiles: Float64Array;
  /** counts[o * capacity + i]: requests with OUTCOMES[o] during the step ending at point i. */
  readonly counts: Float64Array;
  /** Totals of each outcome at the last point. */
  readonly totals = new Float64Array(OUTCOME_COUNT);
  private readonly ring: Histogram[];
  /** 2 significant digits (1%): plenty for a chart, and a window of histograms stays small. */
  private readonly merged = new Histogram(2);
  private current = 0;

  constructor(
    readonly sampleMs: number,
    readonly windowMs: number,
    readonly capacity = 90,
  ) {
    this.timeMs = new Float64Array(capacity);
    this.percentiles = new Float64Array(PERCENTILES.length * capacity);
    this.counts = new Float64Array(OUTCOME_COUNT * capacity);
    const steps = Math.max(1, Math.round(windowMs / sampleMs));
    this.ring = Array.from({ length: steps }, () => new Histogram(2));
  }

  recordLatency(ms: number): void {
    this.ring[this.current].record(ms);
  }

  /**
   * Closes the step ending at `nowMs` and stores its point; `totals[o]` is the running count of
   * requests with outcome OUTCOMES[o] (the step's count is its increase since the last point).
   */
  sample(nowMs: number, totals: ArrayLike<number>): void {
    const cap = this.capacity, i = this.points % cap;
    this.timeMs[i] = nowMs;
    const m = this.merged;
    m.reset();
    for (const h of this.ring) m.merge(h);
    for (let k = 0; k < PERCENTILES.length; k++) {
      this.percentiles[k * cap + i] = m.count > 0 ? m.quantile(PERCENTILES[k].q) : NaN;
    }
    for (let o = 0; o < OUTCOME_COUNT; o++) {
      this.counts[o * cap + i] = totals[o] - this.totals[o];
      this.totals[o] = totals[o];
    }
    this.points++;
    this.current = (this.current + 1) % this.ring.length;
    this.ring[this.current].reset();
  }

  /** Points held, oldest first: ring index of the j-th is `at(j)`. */
  get length(): number {
    return Math.min(this.points, this.capacity);
  }

  at(j: number): number {
    return (this.points - this.length + j) % this.capacity;
  }

  /** The latest value of percentile k (NaN when none yet). */
  latest(k: number): number {
    return this.points === 0 ? NaN : this.percentiles[k * this.capacity + ((this.points - 1) % this.capacity)];
  }
}

/** A round number of ms near `x` (1, 2 or 5 times a power of ten). */
export function niceMs(x: number): number {
  if (!(x > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  const m = x / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}
