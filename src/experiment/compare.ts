/**
 * Compare balancers on one workload. Every balancer sees the same arrivals and request sizes
 * (common random numbers: streams are named per concern, not shared), so differences come from
 * the policy and not from luck. With several seeds, rows carry 95% confidence intervals.
 */
import { simulate, type SimulateOptions, type BalancerChoice } from './simulate.js';
import type { Summary } from '../model/summary.js';
import { confidenceInterval, type Interval } from './confidence.js';
import { ScenarioError } from '../input/check.js';

export interface CompareOptions extends Omit<SimulateOptions, 'balancer' | 'seed'> {
  /** Seeds to replicate over; default: the scenario's own seed. */
  seeds?: readonly number[];
}

/** One Summary per (balancer, seed), balancer-major. */
export function compare(input: unknown, balancers: readonly (string | BalancerChoice)[], options: CompareOptions = {}): Summary[] {
  const { seeds, ...rest } = options;
  if (!Array.isArray(balancers) || balancers.length === 0) throw new ScenarioError('balancers', balancers, 'a non-empty list of balancer names');
  const out: Summary[] = [];
  for (const balancer of balancers) {
    if (seeds === undefined) out.push(simulate(input, { ...rest, balancer }));
    else for (const seed of seeds) out.push(simulate(input, { ...rest, balancer, seed }));
  }
  return out;
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

/** Aggregates summaries per balancer (in first-seen order) into rows with confidence intervals. */
export function comparisonRows(summaries: readonly Summary[]): ComparisonRow[] {
  const groups = new Map<string, Summary[]>();
  for (const s of summaries) {
    const list = groups.get(s.label) ?? [];
    list.push(s);
    groups.set(s.label, list);
  }
  return [...groups].map(([balancer, list]) => {
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
