/**
 * Compare balancers on one workload. Every balancer sees the same arrivals and request sizes
 * (common random numbers: streams are named per concern, not shared), so differences come from
 * the policy and not from luck. With several seeds, rows carry 95% confidence intervals.
 */
import { simulate, type SimulateOptions, type BalancerChoice } from './simulate.js';
import type { ScenarioInput } from '../scenario/scenario-input.js';
import type { Summary } from '../model/summary.js';
import { confidenceInterval, type Interval } from './confidence.js';
import { ScenarioError, isObject, join, numberArray, object } from '../input/check.js';
import { balancerNames, getBalancer } from '../balancers/registry.js';
import { RUN_METRICS } from './run-metrics.js';

/** Most seeds one comparison replicates over. */
export const MAX_SEEDS = 10_000;

export interface CompareOptions extends Omit<SimulateOptions, 'balancer' | 'seed'> {
  /** Seeds to replicate over; default: the scenario's own seed. */
  seeds?: readonly number[];
}

/** One Summary per (balancer, seed), balancer-major. */
export function compare(input: ScenarioInput, balancers: readonly (string | BalancerChoice)[], options: CompareOptions = {}): Summary[] {
  object(options, 'options', ['seeds', 'requests', 'checked']);
  const { seeds, ...rest } = options;
  const choices = balancerList(balancers, 'balancers');
  const seedList = seeds === undefined ? undefined : seedsList(seeds, 'options.seeds');
  const out: Summary[] = [];
  for (const balancer of choices) {
    if (seedList === undefined) out.push(simulate(input, { ...rest, balancer }));
    else for (const seed of seedList) out.push(simulate(input, { ...rest, balancer, seed }));
  }
  return out;
}

/**
 * `value` as 1 to MAX_SEEDS distinct seeds (integers from 0 to 2^32 − 1), or a ScenarioError
 * naming `path`: a repeated seed repeats a run and would narrow the confidence interval falsely.
 */
export function seedsList(value: unknown, path: string): number[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_SEEDS) {
    throw new ScenarioError(path, value, `an array of 1 to ${MAX_SEEDS} seeds (integers from 0 to 4294967295)`);
  }
  const seeds = numberArray(value, path, { integer: true, min: 0, max: 2 ** 32 - 1 });
  const first = new Map<number, number>();
  seeds.forEach((seed, i) => {
    if (first.has(seed)) throw new ScenarioError(join(path, i), seed, `distinct seeds (seed ${seed} is item ${first.get(seed)} already): a repeated seed repeats a run`);
    first.set(seed, i);
  });
  return seeds;
}

/**
 * `value` as a non-empty list of known balancers, each a name or `{name, ...options}`, none
 * twice (rows are grouped by label: a repeat would count as more seeds), or a ScenarioError
 * naming `path` and the item.
 */
export function balancerList(value: unknown, path: string): (string | BalancerChoice)[] {
  if (!Array.isArray(value) || value.length === 0) throw new ScenarioError(path, value, 'a non-empty list of balancer names (or {name, ...options} objects)');
  const first = new Map<string, number>();
  value.forEach((item: unknown, i) => {
    const name = typeof item === 'string' ? item : isObject(item) && typeof item.name === 'string' ? item.name : undefined;
    const info = name === undefined ? undefined : getBalancer(name);
    if (!info) throw new ScenarioError(join(path, i), item, `a known balancer (${balancerNames().join(', ')}), by name or as {name, ...options}`);
    // Options at their defaults say nothing: p2c and p2c:choices=2 are the same policy.
    const spec = info.optionSpec ?? {};
    const options = isObject(item)
      ? Object.entries(item).filter(([k, v]) => k !== 'name' && !(spec[k] !== undefined && spec[k].default === v)).sort(([a], [b]) => (a < b ? -1 : 1))
      : [];
    const key = JSON.stringify([info.name, options]);
    if (first.has(key)) throw new ScenarioError(join(path, i), item, `each balancer once (item ${first.get(key)} is the same)`);
    first.set(key, i);
  });
  return value as (string | BalancerChoice)[];
}

export interface ComparisonRow {
  /** The policy's name, with its options when it has any (Summary.label). */
  balancer: string;
  seeds: number;
  /**
   * Latency of succeeded requests, over the seeds where at least one request succeeded (`n` of
   * each interval says how many; 0 ⇒ no latency to report): a run with no success has no latency,
   * and counting its 0 would drag the mean down.
   */
  mean: Interval;
  p50: Interval;
  p99: Interval;
  p999: Interval;
  /** Fraction of arrivals that succeeded. */
  successRate: Interval;
  /** Fraction of arrivals dropped or rejected. */
  lossRate: Interval;
  throughputPerSec: Interval;
  /** Max/mean completed per server. */
  maxOverMean: Interval;
}

/** What a comparison keeps of one balancer's runs: per metric, one number per run. */
interface BalancerRuns {
  scenario: string;
  seeds: number;
  /** Per RUN_METRICS entry, its value in each run (latency metrics: in each run where a request succeeded). */
  values: number[][];
  /** Dropped or rejected share of arrivals, per run. */
  lossRate: number[];
}

const METRIC_INDEX = new Map(RUN_METRICS.map(({ name }, i) => [name, i]));
const at = (name: string) => METRIC_INDEX.get(name)!;
const [MEAN, P50, P99, P999, SUCCEEDED, THROUGHPUT, MAX_OVER_MEAN] =
  ['meanMs', 'p50Ms', 'p99Ms', 'p999Ms', 'succeededShare', 'throughputPerSec', 'maxOverMean'].map(at);

/**
 * Folds runs into per-balancer aggregates as they come, keeping a few numbers per run (each
 * metric's value: the 95% intervals are Student's t over the values, mean then spread, exactly as
 * `confidenceInterval`) and not the Summaries: `lbsim compare` adds each run when it finishes.
 * `comparisonRows` and `aggregateRows` of a list of Summaries are those of an accumulator that was
 * given them in order.
 */
export class CompareAccumulator {
  private readonly groups = new Map<string, BalancerRuns>();

  /** Adds one run (rows are grouped by `s.label`, in first-seen order). */
  add(s: Summary): void {
    let group = this.groups.get(s.label);
    if (!group) {
      group = { scenario: s.scenario, seeds: 0, values: RUN_METRICS.map(() => []), lossRate: [] };
      this.groups.set(s.label, group);
    }
    group.seeds++;
    const served = s.requests.succeeded > 0;
    RUN_METRICS.forEach(({ of: f, latency }, i) => {
      if (served || !latency) group.values[i].push(f(s));
    });
    group.lossRate.push(s.requests.arrived > 0 ? (s.requests.dropped + s.requests.rejected) / s.requests.arrived : 0);
  }

  comparisonRows(): ComparisonRow[] {
    return [...this.groups].map(([balancer, { seeds, values, lossRate }]) => ({
      balancer,
      seeds,
      mean: confidenceInterval(values[MEAN]),
      p50: confidenceInterval(values[P50]),
      p99: confidenceInterval(values[P99]),
      p999: confidenceInterval(values[P999]),
      successRate: confidenceInterval(values[SUCCEEDED]),
      lossRate: confidenceInterval(lossRate),
      throughputPerSec: confidenceInterval(values[THROUGHPUT]),
      maxOverMean: confidenceInterval(values[MAX_OVER_MEAN]),
    }));
  }

  aggregateRows(): AggregateRow[] {
    return [...this.groups].map(([balancer, { scenario, seeds, values }]) => {
      const row: AggregateRow = { scenario, balancer, seeds, latencySeeds: values[MEAN].length };
      RUN_METRICS.forEach(({ name }, i) => {
        const ci = confidenceInterval(values[i]);
        row[`${name}_mean`] = ci.n > 0 ? round9(ci.mean) : null;
        row[`${name}_ci95`] = ci.n > 1 ? round9(ci.halfWidth) : null;
      });
      return row;
    });
  }
}

function accumulated(summaries: readonly Summary[]): CompareAccumulator {
  const acc = new CompareAccumulator();
  for (const s of summaries) acc.add(s);
  return acc;
}

/** Aggregates summaries per balancer (in first-seen order) into rows with confidence intervals. */
export function comparisonRows(summaries: readonly Summary[]): ComparisonRow[] {
  return accumulated(summaries).comparisonRows();
}

const round9 = (x: number) => Number(x.toPrecision(9));

/** Column names of `aggregateRows`, in order. */
export const AGGREGATE_COLUMNS: readonly string[] = [
  'scenario', 'balancer', 'seeds', 'latencySeeds', ...RUN_METRICS.flatMap(({ name }) => [`${name}_mean`, `${name}_ci95`]),
];

/**
 * One tidy row per balancer (first-seen order): `seeds` runs, `latencySeeds` of them with a
 * succeeded request, and for each metric `<column>_mean` and `<column>_ci95`, the half-width of
 * the 95% interval (Student's t over seeds). Latency columns are over the `latencySeeds` runs.
 * null where there is nothing to report: a mean over no run, a half-width from fewer than two.
 * `utilization` is the mean over servers of each run's utilisation. Numbers are rounded to 9
 * significant digits, as in a Summary.
 */
export type AggregateRow = { scenario: string; balancer: string; seeds: number; latencySeeds: number } & Record<`${string}_${'mean' | 'ci95'}`, number | null>;

export function aggregateRows(summaries: readonly Summary[]): AggregateRow[] {
  return accumulated(summaries).aggregateRows();
}
