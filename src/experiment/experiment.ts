/**
 * Experiment files: a base scenario, a grid of values by scenario path, seeds, and the metrics to
 * report. `parseExperiment` validates one (errors name the path: `grid["servers[0].count"][2]`)
 * and returns it in its canonical form (ranges expanded, seeds listed, the scenario inline), which
 * `experimentArms` turns into validated scenarios: one arm per combination of grid values, the
 * first axis varying slowest. Every arm runs every seed; arms of one seed share their random
 * streams (common random numbers), so they differ by the grid's values, not by luck.
 */
import { ScenarioError, isObject, join, number, object, stringField, type Json } from '../input/check.js';
import { parseScenario, MAX_REQUESTS, type Scenario } from '../scenario/scenario.js';
import type { ScenarioInput } from '../scenario/scenario-input.js';
import { preset, presetNames } from '../scenario/presets.js';
import { getBalancer } from '../balancers/index.js';
import { seedsList } from './compare.js';
import { parseSeedsText } from './seeds-text.js';
import { parseBalancerChoice } from './balancer-choice.js';
import { parsePath, setAtPath, type PathKey } from './scenario-path.js';
import { withLoad, MAX_LOAD } from './load-setting.js';
import { RUN_METRICS, SERVICE_FIGURES, runMetric } from './run-metrics.js';

/** A range of numbers on a grid axis: from, from + step, … up to `to` (included when on the step). */
export interface RangeInput {
  from: number;
  to: number;
  step: number;
}

/** An experiment as its file is written. */
export interface ExperimentInput {
  $schema?: string;
  /** Names the sweep in rows and tables; default: the scenario's name. */
  name?: string;
  description?: string;
  /** The base scenario: a preset name, a scenario file (relative to the experiment file; read by loadExperimentFile and the CLI), or the scenario inline. */
  scenario: string | ScenarioInput;
  /**
   * Values by scenario path (`"arrivals.ratePerSec": [500, 600]`, `"servers[0].count": {"from": 2,
   * "to": 10, "step": 2}`); `"balancer"` takes names with options (`"p2c:choices=3"`) or objects;
   * `"load"` sets the arrival rate so that λ · E[S] / Σ count × concurrency × speed is the value.
   */
  grid?: Record<string, readonly unknown[] | RangeInput>;
  /** Seeds every arm runs: a list, or a range "1..10"; default: the scenario's seed. */
  seeds?: readonly number[] | string;
  /** Arrivals per run (overrides the scenario's `stop.requests`). */
  requests?: number;
  /** Metrics to report, by name (`lbsim sweep --help` lists them); default DEFAULT_METRICS. */
  metrics?: readonly string[];
}

/** An experiment in canonical form: what `parseExperiment` returns (itself a valid ExperimentInput). */
export interface Experiment {
  name: string;
  description?: string;
  scenario: ScenarioInput;
  /** Axes in file order, each a list of values (ranges expanded). */
  grid: Record<string, unknown[]>;
  seeds: number[];
  requests?: number;
  metrics: string[];
}

/** One combination of grid values, as a validated scenario. */
export interface Arm {
  /** Position in grid order (the first axis varies slowest). */
  index: number;
  /** The grid's values for this arm, by axis, in axis order. */
  values: unknown[];
  scenario: Scenario;
}

export const DEFAULT_METRICS: readonly string[] = ['meanMs', 'p50Ms', 'p99Ms', 'succeededShare'];
/** Most values one axis takes, and most runs (arms × seeds) one experiment makes. */
export const MAX_AXIS_VALUES = 10_000;
export const MAX_RUNS = 1_000_000;

/** Reads the scenario file an experiment names (relative to the experiment file), as JSON that stands alone. */
export type ScenarioReader = (file: string, at: string) => unknown;

const TOP = ['$schema', 'name', 'description', 'scenario', 'grid', 'seeds', 'requests', 'metrics'];
/** Path written for a grid axis in errors: grid["servers[0].count"]. */
const axisAt = (key: string) => `grid[${JSON.stringify(key)}]`;

/**
 * Validates an experiment. `readScenario` reads a scenario file it names; without one, `scenario`
 * must be a preset name or inline. Every arm is validated too, so a bad grid value is reported
 * (at its path in the grid) before anything runs.
 */
export function parseExperiment(input: unknown, readScenario?: ScenarioReader): Experiment {
  const o = object(input, '', TOP);
  const scenario = baseScenario(o.scenario, readScenario);
  const base = parseScenario(scenario);
  const grid = parseGrid(o.grid);
  const seeds = o.seeds === undefined
    ? [base.seed]
    : typeof o.seeds === 'string' ? parseSeedsText(o.seeds, 'seeds') : seedsList(o.seeds, 'seeds');
  const experiment: Experiment = { name: stringField(o, 'name', '', base.name), scenario, grid, seeds, metrics: parseMetrics(o.metrics, base) };
  if (o.description !== undefined) experiment.description = stringField(o, 'description', '');
  if (o.requests !== undefined) experiment.requests = number(o.requests, 'requests', { integer: true, min: 1, max: MAX_REQUESTS });
  const arms = Object.values(grid).reduce((n, values) => n * values.length, 1);
  if (arms * seeds.length > MAX_RUNS) {
    throw new ScenarioError('grid', `${arms} arms × ${seeds.length} seeds`, `at most ${MAX_RUNS.toLocaleString('en')} runs in one experiment (shard it, or split the grid)`);
  }
  experimentArms(experiment);
  return experiment;
}

function baseScenario(value: unknown, readScenario: ScenarioReader | undefined): ScenarioInput {
  if (typeof value === 'string') {
    const fromPreset = /[./\\]/.test(value) ? undefined : preset(value);
    if (fromPreset) return fromPreset;
    if (!readScenario) throw new ScenarioError('scenario', value, `a preset (${presetNames().join(', ')}) or an inline scenario; scenario files are read by loadExperimentFile() and the CLI`);
    return withPath(() => readScenario(value, 'scenario'), 'scenario') as ScenarioInput;
  }
  if (!isObject(value)) throw new ScenarioError('scenario', value, 'a preset name, a scenario file name, or a scenario object');
  withPath(() => parseScenario(value), 'scenario');
  return structuredClone(value) as ScenarioInput;
}

/** Runs `f`, prefixing the path of a ScenarioError it throws with `prefix`. */
function withPath<T>(f: () => T, prefix: string): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ScenarioError && !e.path.startsWith(prefix)) {
      const path = e.path ? join(prefix, e.path) : prefix;
      const inner = new ScenarioError(path, e.value, e.expected);
      inner.message = path + e.message.slice((e.path || '(root)').length);
      throw inner;
    }
    throw e;
  }
}

function parseGrid(value: unknown): Record<string, unknown[]> {
  if (value === undefined) return {};
  if (!isObject(value)) throw new ScenarioError('grid', value, 'an object of values by scenario path, e.g. {"arrivals.ratePerSec": [500, 600], "balancer": ["p2c", "round-robin"]}');
  const grid: Record<string, unknown[]> = {};
  for (const [key, item] of Object.entries(value)) {
    const at = axisAt(key);
    if (key !== 'load') {
      const first = parsePath(key, at)[0];
      if (first === 'seed') throw new ScenarioError(at, item, 'a scenario path other than "seed" (an experiment\'s "seeds" lists the seeds every arm runs)');
    }
    const values = isObject(item) ? range(item, at) : item;
    if (!Array.isArray(values) || values.length === 0 || values.length > MAX_AXIS_VALUES) {
      throw new ScenarioError(at, item, `a list of 1 to ${MAX_AXIS_VALUES} values, or a range {"from": a, "to": b, "step": s}`);
    }
    values.forEach((v, i) => {
      if (key === 'load') number(v, join(at, i), { above: 0, max: MAX_LOAD });
      else if (key === 'balancer' && typeof v === 'string') parseBalancerChoice(v, join(at, i));
      else if (key === 'balancer' && !(isObject(v) && typeof v.name === 'string')) {
        throw new ScenarioError(join(at, i), v, 'a balancer: a name with options as a string ("p2c:choices=3"), or {"name": ..., ...options}');
      }
    });
    const firstSeen = new Map<string, number>();
    values.forEach((v, i) => {
      const text = JSON.stringify(v);
      if (firstSeen.has(text)) throw new ScenarioError(join(at, i), v, `each value once (item ${firstSeen.get(text)} is the same): a repeated arm would count twice`);
      firstSeen.set(text, i);
    });
    grid[key] = structuredClone(values);
  }
  if ('load' in grid && Object.keys(grid).some((k) => k.startsWith('arrivals'))) {
    throw new ScenarioError(axisAt('load'), grid.load, 'either "load" or arrivals fields on the grid, not both ("load" sets the arrival rate)');
  }
  return grid;
}

/** The values of a range {from, to, step}: from + i·step up to `to`, each rounded to 12 significant digits. */
function range(value: Json, at: string): number[] {
  const o = object(value, at, ['from', 'to', 'step']);
  const from = number(o.from, join(at, 'from'));
  const to = number(o.to, join(at, 'to'), { min: from });
  const step = number(o.step, join(at, 'step'), { above: 0 });
  const count = Math.floor((to - from) / step + 1e-9) + 1;
  if (!(count <= MAX_AXIS_VALUES)) throw new ScenarioError(join(at, 'step'), step, `a step giving at most ${MAX_AXIS_VALUES} values from ${from} to ${to}`);
  return Array.from({ length: count }, (_, i) => Number((from + i * step).toPrecision(12)));
}

/** The metrics to report; `services.<name>.<figure>` only for a service of the base scenario. */
function parseMetrics(value: unknown, base: Scenario): string[] {
  if (value === undefined) return [...DEFAULT_METRICS];
  const services = base.topology?.services.map((s) => s.name) ?? [];
  const names = RUN_METRICS.map((m) => m.name).join(', ') +
    (services.length ? `, or services.<name>.<figure> with a service (${services.join(', ')}) and ${Object.keys(SERVICE_FIGURES).join(', ')}` : '');
  if (!Array.isArray(value) || value.length === 0) throw new ScenarioError('metrics', value, `a non-empty list of metric names (${names})`);
  const seen = new Set<string>();
  return value.map((m: unknown, i) => {
    const metric = typeof m === 'string' ? runMetric(m) : undefined;
    if (!metric || (metric.service !== undefined && !services.includes(metric.service))) throw new ScenarioError(join('metrics', i), m, `a metric: ${names}`);
    const name = metric.name;
    if (seen.has(name)) throw new ScenarioError(join('metrics', i), m, 'each metric once');
    seen.add(name);
    return name;
  });
}

/** Every arm of a (canonical) experiment, validated, in grid order. */
export function experimentArms(experiment: Experiment): Arm[] {
  const axes = Object.entries(experiment.grid).map(([key, values]) => ({ key, values, keys: key === 'load' ? [] : parsePath(key, axisAt(key)) }));
  const total = axes.reduce((n, a) => n * a.values.length, 1);
  const baseBalancer = parseScenario(experiment.scenario).balancer.name;
  const arms: Arm[] = [];
  for (let index = 0; index < total; index++) {
    // Mixed radix, the last axis fastest.
    const picks: number[] = [];
    let rest = index;
    for (let a = axes.length - 1; a >= 0; a--) {
      picks[a] = rest % axes[a].values.length;
      rest = Math.floor(rest / axes[a].values.length);
    }
    const values = axes.map((a, k) => a.values[picks[k]]);
    arms.push({ index, values, scenario: armScenario(experiment.scenario, axes, picks, baseBalancer) });
  }
  return arms;
}

type Axis = { key: string; values: unknown[]; keys: PathKey[] };

function armScenario(base: ScenarioInput, axes: readonly Axis[], picks: readonly number[], baseBalancer: string): Scenario {
  const json = structuredClone(base) as unknown as Json;
  let load: { value: number; at: string } | undefined;
  for (let a = 0; a < axes.length; a++) {
    const { key, keys } = axes[a];
    const value = axes[a].values[picks[a]];
    const at = join(axisAt(key), picks[a]);
    if (key === 'load') load = { value: value as number, at };
    else if (key === 'balancer') json.balancer = balancerValue(value, at, baseBalancer, json.balancer);
    else setAtPath(json, keys, structuredClone(value), at, key);
  }
  try {
    const scenario = parseScenario(json);
    return load ? parseScenario(withLoad(json, scenario, load.value, load.at)) : scenario;
  } catch (e) {
    throw e instanceof ScenarioError ? armError(e, axes, picks) : e;
  }
}

/**
 * A `balancer` grid value as the scenario's `balancer` object: a string with options or an object
 * replaces it; a bare name naming the base scenario's policy keeps its options (as in `compare`).
 */
function balancerValue(value: unknown, at: string, baseBalancer: string, current: unknown): unknown {
  if (typeof value !== 'string') return structuredClone(value);
  const choice = parseBalancerChoice(value, at);
  if (typeof choice !== 'string') return choice;
  return getBalancer(choice)?.name === baseBalancer ? current : { name: choice };
}

/** An arm's validation error, attributed to the grid value that set the field when one did. */
function armError(e: ScenarioError, axes: readonly Axis[], picks: readonly number[]): ScenarioError {
  if (e.path.startsWith('grid')) return e;
  for (let a = axes.length - 1; a >= 0; a--) {
    const { key } = axes[a];
    const field = key === 'load' ? 'arrivals' : key;
    const value = axes[a].values[picks[a]];
    const at = join(axisAt(key), picks[a]);
    if (e.path === field) return new ScenarioError(at, value, e.expected);
    if (e.path.startsWith(`${field}.`) || e.path.startsWith(`${field}[`)) {
      return new ScenarioError(at, value, `a value with which the scenario is valid (with it, ${e.message})`);
    }
  }
  const arm = Object.fromEntries(axes.map((a, k) => [a.key, a.values[picks[k]]]));
  return new ScenarioError('grid', arm, `a combination with which the scenario is valid (with it, ${e.message})`);
}
