/**
 * `sweep(experiment, options)`: every arm of an experiment (see experiment.ts) on every seed, as
 * tidy rows, one per run, in run order (arm-major: run = arm × seeds + seed index). A row holds
 * the sweep's name, the run's position, the arm's grid values (balancers by label, e.g.
 * `power-of-two choices=3`), its offered load `rho`, the seed and the chosen metrics (latencies
 * null for a run where no request succeeded). Rows are a function of the experiment alone: the
 * same with 1 worker or 16, in one process or in shards (`shard: {index, count}` runs the runs
 * whose number is index − 1 modulo count), so shards merge into the unsharded result.
 * `replicate(scenario, options)` is the one-arm case (or one arm per balancer).
 */
import { object, number, ScenarioError } from '../input/check.js';
import { SimulationStalledError } from '../engine/simulation.js';
import { offeredLoad } from '../scenario/offered-load.js';
import type { ScenarioInput, BalancerChoice } from '../scenario/scenario-input.js';
import type { Summary } from '../model/summary.js';
import { parseExperiment, experimentArms, type Arm, type Experiment, type ExperimentInput } from './experiment.js';
import { runMetric } from './run-metrics.js';
import { forEachSimulation, checkPoolOptions, POOL_OPTION_KEYS, type PoolOptions, type SimulationTask } from './run-pool.js';

export type Cell = string | number | boolean | null;

/** One run: `sweep`, `run`, `runs`, `arm`, the grid's values by path, `rho`, `seed`, then the metrics. */
export type SweepRow = { sweep: string; run: number; runs: number; arm: number; rho: number | null; seed: number } & Record<string, Cell>;

/** A slice of a sweep's runs: those with run number ≡ index − 1 (mod count); index from 1. */
export interface Shard {
  index: number;
  count: number;
}

export interface SweepOptions extends PoolOptions {
  shard?: Shard;
}

/** Fields of a row that are neither grid values nor metrics. */
export const ROW_FIELDS = ['sweep', 'run', 'runs', 'arm', 'rho', 'seed'] as const;

const round9 = (x: number) => Number(x.toPrecision(9));

/** A run of a sweep before it runs. */
interface PlannedRun {
  run: number;
  arm: Arm;
  seed: number;
}

export async function sweep(input: ExperimentInput, options: SweepOptions = {}): Promise<SweepRow[]> {
  const o = object(options, 'options', [...POOL_OPTION_KEYS, 'shard']);
  checkPoolOptions(o);
  const shard = o.shard === undefined ? undefined : checkShard(o.shard, 'options.shard');
  const experiment = parseExperiment(input);
  const runs = plannedRuns(experiment, experimentArms(experiment), shard);
  let built = 0;
  const task = (i: number): SimulationTask => {
    built++;
    return { scenario: runs[i].arm.scenario, options: { seed: runs[i].seed, ...(experiment.requests ? { requests: experiment.requests } : {}) } };
  };
  const total = experiment.seeds.length * runsPerSeed(experiment);
  // Each Summary becomes its row as it comes: a sweep holds rows (a few numbers per run), not Summaries.
  const rows: SweepRow[] = [];
  try {
    await forEachSimulation(runs.length, task, (summary, i) => rows.push(sweepRow(experiment, runs[i], total, summary)), options);
  } catch (e) {
    // Every run before the failing one was handed over (run-pool.ts): the message says which run it is.
    if ((e instanceof ScenarioError || e instanceof SimulationStalledError) && built > 0 && rows.length < runs.length) {
      const { arm, seed } = runs[rows.length];
      const values = Object.keys(experiment.grid).map((key, k) => `${key}=${JSON.stringify(arm.values[k])}`).join(', ');
      e.message = `${e.message} (in the run of arm ${arm.index}${values ? `, ${values}` : ''}, seed ${seed})`;
    }
    throw e;
  }
  return rows;
}

export interface ReplicateOptions extends PoolOptions {
  /** Seeds (default: the scenario's). */
  seeds?: readonly number[];
  requests?: number;
  /** Balancers to run, each an arm (default: the scenario's). */
  balancers?: readonly BalancerChoice[];
  metrics?: readonly string[];
}

/** `scenario` over seeds (and balancers): `sweep` of an experiment with that scenario, as rows. */
export function replicate(scenario: ScenarioInput, options: ReplicateOptions = {}): Promise<SweepRow[]> {
  const o = object(options, 'options', [...POOL_OPTION_KEYS, 'seeds', 'requests', 'balancers', 'metrics']);
  const { seeds, requests, balancers, metrics, ...pool } = options;
  const experiment: ExperimentInput = { scenario };
  if (o.seeds !== undefined) experiment.seeds = seeds;
  if (o.requests !== undefined) experiment.requests = requests;
  if (o.metrics !== undefined) experiment.metrics = metrics;
  if (o.balancers !== undefined) experiment.grid = { balancer: balancers as unknown[] };
  return sweep(experiment, pool);
}

/** `value` as a shard {index, count} with 1 <= index <= count, or a ScenarioError naming `path`. */
export function checkShard(value: unknown, path: string): Shard {
  const o = object(value, path, ['index', 'count']);
  const count = number(o.count, `${path}.count`, { integer: true, min: 1, max: MAX_SHARDS });
  const index = number(o.index, `${path}.index`, { integer: true, min: 1, max: count });
  return { index, count };
}

export const MAX_SHARDS = 100_000;

function runsPerSeed(experiment: Experiment): number {
  return Object.values(experiment.grid).reduce((n, values) => n * values.length, 1);
}

function plannedRuns(experiment: Experiment, arms: readonly Arm[], shard: Shard | undefined): PlannedRun[] {
  const runs: PlannedRun[] = [];
  const seeds = experiment.seeds;
  for (const arm of arms) {
    seeds.forEach((seed, k) => {
      const run = arm.index * seeds.length + k;
      if (!shard || run % shard.count === shard.index - 1) runs.push({ run, arm, seed });
    });
  }
  return runs;
}

/** A grid value as a row cell: numbers, strings and booleans as they are, anything else as JSON text. */
function cell(value: unknown): Cell {
  return value === null || typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean' ? value : JSON.stringify(value);
}

function sweepRow(experiment: Experiment, { run, arm, seed }: PlannedRun, runs: number, s: Summary): SweepRow {
  const row: Record<string, Cell> = { sweep: experiment.name, run, runs, arm: arm.index };
  Object.keys(experiment.grid).forEach((key, k) => {
    row[key] = key === 'balancer' ? s.label : cell(arm.values[k]);
  });
  // A topology's load differs per service: no one ρ.
  const rho = arm.scenario.topology ? NaN : offeredLoad(arm.scenario).rho;
  row.rho = Number.isFinite(rho) ? round9(rho) : null;
  row.seed = seed;
  for (const name of experiment.metrics) {
    const m = runMetric(name)!;
    row[name] = m.missing(s) ? null : round9(m.of(s));
  }
  return row as SweepRow;
}

