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

/** Summaries per balancer label, in first-seen order. */
function byBalancer(summaries: readonly Summary[]): Map<string, Summary[]> {
  const groups = new Map<string, Summary[]>();
  for (const s of summaries) {
    const list = groups.get(s.label) ?? [];
    list.push(s);
    groups.set(s.label, list);
  }
  return groups;
}

/** Aggregates summaries per balancer (in first-seen order) into rows with confidence intervals. */
export function comparisonRows(summaries: readonly Summary[]): ComparisonRow[] {
  return [...byBalancer(summaries)].map(([balancer, list]) => {
    const ci = (f: (s: Summary) => number) => confidenceInterval(list.map(f));
    const served = list.filter((s) => s.requests.succeeded > 0);
    const latency = (f: (s: Summary) => number) => confidenceInterval(served.map(f));
    return {
      balancer,
      seeds: list.length,
      mean: latency((s) => s.latencyMs.mean),
      p50: latency((s) => s.latencyMs.p50),
      p99: latency((s) => s.latencyMs.p99),
      p999: latency((s) => s.latencyMs.p999),
      successRate: ci((s) => (s.requests.arrived > 0 ? s.requests.succeeded / s.requests.arrived : 0)),
      lossRate: ci((s) => (s.requests.arrived > 0 ? (s.requests.dropped + s.requests.rejected) / s.requests.arrived : 0)),
      throughputPerSec: ci((s) => s.throughputPerSec),
      maxOverMean: ci((s) => s.imbalance.maxOverMean),
    };
  });
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
  return [...byBalancer(summaries)].map(([balancer, list]) => {
    const served = list.filter((s) => s.requests.succeeded > 0);
    const row: AggregateRow = { scenario: list[0].scenario, balancer, seeds: list.length, latencySeeds: served.length };
    for (const { name, of: f, latency } of RUN_METRICS) {
      const ci = confidenceInterval((latency ? served : list).map(f));
      row[`${name}_mean`] = ci.n > 0 ? round9(ci.mean) : null;
      row[`${name}_ci95`] = ci.n > 1 ? round9(ci.halfWidth) : null;
    }
    return row;
  });
}
