/**
 * Run one scenario: `simulate(scenario, options) → Summary`. The scenario is a `ScenarioInput`
 * (validated again at run time) or a parsed `Scenario`; JSON of unknown shape goes through
 * `parseScenario` first. Options override its balancer, seed or request count.
 */
import { Model } from '../model/model.js';
import { summarize, type Summary } from '../model/summary.js';
import { parseScenario, toModelConfig, toTopologyConfig, withBalancer, withServiceBalancer, type Scenario, MAX_REQUESTS } from '../scenario/scenario.js';
import { TopologyModel } from '../model/topology.js';
import { WorkflowWorld } from '../workflow/world.js';
import { summarizeWorkflows } from '../workflow/summary.js';
import { summarizeTopology, type TopologySummary } from '../model/topology-summary.js';
import { ScenarioError, booleanField, isObject, number, numberField, object, oneOf } from '../input/check.js';
import { runWithTimeSeries, type TimeSeries } from './timeseries.js';
import type { BalancerChoice, ScenarioInput, TopologyInput } from '../scenario/scenario-input.js';
import { getBalancer } from '../balancers/registry.js';

export type { BalancerChoice };

export interface SimulateOptions {
  /**
   * The balancer: a name, or a name with options (`{ name: 'p2c', choices: 3 }`). A bare name that
   * is the scenario's own policy keeps the scenario's options; any other replaces the balancer.
   */
  balancer?: BalancerChoice;
  seed?: number;
  /** Stop after this many arrivals (overrides `stop.requests`). */
  requests?: number;
  /** Check every state transition against the state machines (slower; for tests and debugging). */
  checked?: boolean;
  /**
   * "auto" (default): plain requests take the model's short path; "general": every event takes
   * the general handlers (for tests holding both to identical results; slower).
   */
  path?: 'auto' | 'general';
  /** A topology's services whose balancer to replace, by name (`balancer` is the entry's). */
  services?: Readonly<Record<string, BalancerChoice>>;
  /**
   * Also record the run's time series every `windowMs` of simulated time (see timeseries.ts): the
   * Summary gains a `timeseries` field, and is otherwise the same.
   */
  timeseries?: { windowMs: number };
  /**
   * List every server in `Summary.servers` however large the pool (default: above 10,000 servers,
   * SERVERS_LISTED, the 20 busiest and `Summary.serverStats`, the figures' spread over the pool).
   */
  perServer?: boolean;
}

const OPTION_KEYS = ['balancer', 'seed', 'requests', 'checked', 'path', 'services', 'timeseries', 'perServer'];

/** Applies `options` to a validated copy of `input`. */
export function prepareScenario(input: ScenarioInput | TopologyInput, options: SimulateOptions = {}): Scenario {
  const o = object(options, 'options', OPTION_KEYS);
  booleanField(o, 'checked', 'options', false);
  booleanField(o, 'perServer', 'options', false);
  if (o.path !== undefined) oneOf(o.path, 'options.path', ['auto', 'general'] as const);
  if (o.timeseries !== undefined) numberField(object(o.timeseries, 'options.timeseries', ['windowMs']), 'windowMs', 'options.timeseries', { above: 0 });
  let scenario = parseScenario(input);
  const choice = options.balancer;
  if (choice !== undefined) {
    if (typeof choice === 'string') {
      if (getBalancer(choice)?.name !== scenario.balancer.name) scenario = withBalancer(scenario, choice);
    } else if (isObject(choice) && typeof choice.name === 'string') {
      scenario = withBalancer(scenario, choice);
    } else {
      throw new ScenarioError('options.balancer', choice, 'a balancer name, or an object with "name" and the policy\'s options');
    }
  }
  if (options.services !== undefined) {
    if (!isObject(options.services)) throw new ScenarioError('options.services', options.services, 'an object of balancers by service name');
    for (const [service, choice] of Object.entries(options.services)) {
      if (typeof choice !== 'string' && !(isObject(choice) && typeof choice.name === 'string')) {
        throw new ScenarioError(`options.services.${service}`, choice, 'a balancer name, or an object with "name" and the policy\'s options');
      }
      scenario = withServiceBalancer(scenario, service, choice);
    }
  }
  if (options.seed !== undefined) {
    scenario = { ...scenario, seed: number(options.seed, 'options.seed', { integer: true, min: 0, max: 2 ** 32 - 1 }) };
  }
  if (options.requests !== undefined) {
    const requests = number(options.requests, 'options.requests', { integer: true, min: 1, max: MAX_REQUESTS });
    scenario = { ...scenario, stop: { ...scenario.stop, requests } };
  }
  return scenario;
}

/** Builds the model for a scenario without running it (for stepping, animation and tests). */
export function createModel(input: ScenarioInput, options: SimulateOptions = {}): Model {
  const scenario = prepareScenario(input, options);
  if (scenario.topology) throw new ScenarioError('services', Object.keys(scenario.topology.services), 'a single pool (for services calling services use createTopologyModel or simulate)');
  const model = new Model(toModelConfig(scenario));
  if (options.path === 'general') model.general = true;
  if (options.checked) {
    model.checked = true;
    model.pool.checked = true;
    model.requests.checked = true;
  }
  return model;
}

/** True for a scenario of services calling services (`services` as written, `topology` once parsed). */
export function isTopology(input: ScenarioInput | TopologyInput): input is TopologyInput {
  const x = input as { services?: unknown; topology?: unknown };
  return isObject(input) && (x.services !== undefined || x.topology !== undefined);
}

/** Builds the model of a topology scenario (one with `services`) without running it. */
export function createTopologyModel(input: TopologyInput, options: SimulateOptions = {}): TopologyModel {
  const scenario = prepareScenario(input, options);
  if (!scenario.topology) throw new ScenarioError('services', undefined, 'services calling services (a scenario with "services")');
  const model = new TopologyModel(toTopologyConfig(scenario));
  if (scenario.workflows) new WorkflowWorld(model, scenario.workflows); // installs itself as the model's hooks
  if (options.checked) {
    model.checked = true;
    model.pool.checked = true;
    model.requests.checked = true;
  }
  return model;
}

/**
 * Runs a scenario to its end and summarises it. A topology (a scenario with `services`) gives a
 * TopologySummary: the end-to-end view at the top, plus `services` and `edges`.
 */
export function simulate(input: ScenarioInput, options: SimulateOptions & { timeseries: { windowMs: number } }): Summary & { timeseries: TimeSeries };
export function simulate(input: ScenarioInput, options?: SimulateOptions): Summary;
export function simulate(input: TopologyInput, options: SimulateOptions & { timeseries: { windowMs: number } }): TopologySummary & { timeseries: TimeSeries };
export function simulate(input: TopologyInput, options?: SimulateOptions): TopologySummary;
export function simulate(input: ScenarioInput | TopologyInput, options: SimulateOptions = {}): Summary {
  const name = isObject(input) && typeof input.name === 'string' ? input.name : 'scenario';
  if (isTopology(input)) {
    const topology = createTopologyModel(input, options);
    const t0 = performance.now();
    let timeseries: TimeSeries | undefined;
    if (options.timeseries) timeseries = runWithTimeSeries(topology, options.timeseries.windowMs, undefined, topology.services);
    else topology.run();
    const summary: TopologySummary = summarizeTopology(topology, name, performance.now() - t0);
    if (timeseries) (summary as TopologySummary & { timeseries?: TimeSeries }).timeseries = timeseries;
    if (topology.hooks instanceof WorkflowWorld) summary.workflows = summarizeWorkflows(topology.hooks);
    if (options.services) {
      // The label names what was varied: service=policy (options included), as compare tables show it.
      const entry = topology.config.entry;
      summary.label = Object.keys(options.services).map((svc) => {
        const b = topology.config.services.find((x) => x.name === svc)!.balancer;
        return `${svc === entry ? '' : `${svc}=`}${[b.name, ...Object.entries(b.options).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)].join(' ')}`;
      }).join(', ');
    }
    return summary;
  }
  const model = createModel(input as ScenarioInput, options);
  const t0 = performance.now();
  if (options.timeseries) {
    const timeseries = runWithTimeSeries(model, options.timeseries.windowMs);
    const withSeries: Summary & { timeseries: TimeSeries } = { ...summarize(model, name, performance.now() - t0, options.perServer), timeseries };
    return withSeries;
  }
  model.run();
  return summarize(model, name, performance.now() - t0, options.perServer);
}
