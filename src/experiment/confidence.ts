/**
 * Confidence intervals over independent replications (one value per seed): mean ± t·s/√n with
 * Student's t at 95% two-sided.
 */

import { tUpperQuantile } from './student-t.js';

const T975 = new Map<number, number>();

/** Student's t quantile 0.975 for `df` degrees of freedom (to double precision; see student-t.ts). */
export function t975(df: number): number {
  if (df < 1) return NaN;
  let t = T975.get(df);
  if (t === undefined) T975.set(df, (t = tUpperQuantile(0.025, df)));
  return t;
}

export interface Interval {
  mean: number;
  /** Half-width of the 95% interval; 0 with a single value. */
  halfWidth: number;
  n: number;
}

export function confidenceInterval(values: readonly number[]): Interval {
  const n = values.length;
  if (n === 0) return { mean: 0, halfWidth: 0, n };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, halfWidth: 0, n };
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
  return { mean, halfWidth: t975(n - 1) * Math.sqrt(variance / n), n };
}
