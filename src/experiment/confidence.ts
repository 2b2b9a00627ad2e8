/**
 * Confidence intervals over independent replications (one value per seed): mean ± t·s/√n with
 * Student's t at 95% two-sided.
 */

const T95 = [NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145,
  2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

/** Student's t quantile 0.975 for `df` degrees of freedom (table to 30, then a series in 1/df). */
export function t975(df: number): number {
  if (df < 1) return NaN;
  if (df < T95.length) return T95[df];
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df * df);
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
