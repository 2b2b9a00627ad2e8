/**
 * A sweep's rows aggregated per arm: for each metric the mean over seeds and the half-width of
 * its 95% confidence interval (Student's t over seeds; null from fewer than two values). Latency
 * metrics are taken over the runs where they exist (`latencySeeds`: some request succeeded).
 * Works from the rows alone, so `lbsim merge` aggregates shards exactly as the unsharded run.
 */
import { confidenceInterval } from './confidence.js';
import { runMetric } from './run-metrics.js';
import { ROW_FIELDS, type Cell, type SweepRow } from './sweep.js';

/** One arm: `sweep`, `arm`, the grid's values, `rho`, `seeds`, `latencySeeds`, then `<metric>_mean` and `<metric>_ci95`. */
export type ArmRow = { sweep: string; arm: number; rho: number | null; seeds: number; latencySeeds: number } & Record<string, Cell>;

/** The columns of rows: grid paths (in row order) and metric names (in row order). */
export function sweepColumns(rows: readonly SweepRow[]): { params: string[]; metrics: string[] } {
  const keys = rows.length ? Object.keys(rows[0]) : [];
  const fixed = new Set<string>(ROW_FIELDS);
  return { params: keys.filter((k) => !fixed.has(k) && !runMetric(k)), metrics: keys.filter((k) => runMetric(k) !== undefined) };
}

const round9 = (x: number) => Number(x.toPrecision(9));

/** Rows per arm, in arm order. */
export function aggregateSweep(rows: readonly SweepRow[]): ArmRow[] {
  const { params, metrics } = sweepColumns(rows);
  const arms = new Map<number, SweepRow[]>();
  for (const row of [...rows].sort((a, b) => a.run - b.run)) {
    const list = arms.get(row.arm) ?? [];
    list.push(row);
    arms.set(row.arm, list);
  }
  return [...arms.values()].map((list) => {
    const first = list[0];
    const out: Record<string, Cell> = { sweep: first.sweep, arm: first.arm };
    for (const p of params) out[p] = first[p];
    out.rho = first.rho;
    out.seeds = list.length;
    const latency = metrics.filter((m) => runMetric(m)!.latency);
    out.latencySeeds = latency.length ? Math.min(...latency.map((m) => list.filter((r) => r[m] !== null).length)) : list.length;
    for (const m of metrics) {
      const ci = confidenceInterval(list.map((r) => r[m]).filter((v): v is number => typeof v === 'number'));
      out[`${m}_mean`] = ci.n > 0 ? round9(ci.mean) : null;
      out[`${m}_ci95`] = ci.n > 1 ? round9(ci.halfWidth) : null;
    }
    return out as ArmRow;
  });
}
