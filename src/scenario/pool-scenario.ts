/**
 * Scenarios: JSON-serialisable descriptions of an experiment, validated field by field.
 * `parseScenario` (scenario.ts) turns untrusted JSON into a `Scenario` (defaults filled in) or
 * throws a `ScenarioError` naming the path, the value and what was expected. This module holds
 * the types, a single pool's parser and the parts a topology's parser (topology-scenario.ts)
 * shares; it imports neither the topology's nor the workflows' parsers, so the embeddable
 * element can load those only for a figure that shows a topology.
 */
import {
  ScenarioError, array, join, numberArray, numberField, object, oneOf, optionalNumberField, stringField,
  isObject, type Json,
} from '../input/check.js';
import { MAX_DISTRIBUTION_MS, parseDistribution } from './distribution-spec.js';
import { createDistribution, type DistributionSpec } from '../random/distributions.js';
import type { ScenarioFiles } from './scenario-files.js';
import { ARRIVAL_PROCESSES, type ArrivalSpec } from '../model/arrivals.js';
import type { ModelConfig, FailureConfig, KeySpec, ClosedLoopSpec } from '../model/model.js';
import type { ClientConfig } from '../model/client.js';
import { DISCIPLINES, type DisciplineName } from '../model/server-pool.js';
import { parseClient } from './client-spec.js';
import { compileStory, parseStory } from './story.js';
import type { StoryStepInput } from './scenario-input.js';
import { parseHealth, toHealthConfig, type HealthSpec } from './health-spec.js';
import type { ServerSpec } from '../model/server-pool.js';
import { getBalancer, balancerNames } from '../balancers/index.js';
import { HISTOGRAM_DIGITS } from '../metrics/histogram.js';
import { MAX_TIME_MS } from '../engine/simulation.js';
import type { TopologySpec } from './topology-spec.js';
import type { TopologyConfig } from '../model/topology.js';
import type { WorkflowConfig } from '../workflow/world.js';

export interface ServerGroup {
  name?: string;
  count: number;
  concurrency: number;
  speed: number;
  weight: number;
  /** Waiting room per server; absent = unbounded, 0 = none. */
  queueLimit?: number;
  discipline?: DisciplineName;
  queueTargetMs?: number;
  queueIntervalMs?: number;
}

export interface Scenario {
  /** Services calling services (scenarios with `services`); absent for a single pool. */
  topology?: TopologySpec;
  /** Workflows as state machines living in the topology's services (src/workflow/). */
  workflows?: WorkflowConfig;
  name: string;
  seed: number;
  stop: StopSpec;
  servers: ServerGroup[];
  arrivals: ArrivalSpec | ClosedLoopSpec;
  service: DistributionSpec;
  serviceScope?: 'request' | 'attempt';
  balancer: { name: string } & Record<string, unknown>;
  keys?: KeySpec;
  fleet?: { count: number; assign: 'round-robin' | 'random' };
  view?: { load: 'own' | 'reported'; refreshMs: number };
  failures?: FailureConfig;
  health?: HealthSpec;
  client?: ClientConfig;
  /** Latency percentiles kept to `significantDigits` (1–4; default 3, i.e. within 0.1%). */
  metrics?: { significantDigits: number };
  /**
   * A scripted story (story.ts), as written (validated): `toModelConfig` compiles it into
   * failures and arrivals, so a parsed scenario parses again to itself.
   */
  story?: StoryStepInput[];
}

/**
 * When a run ends: after `requests` arrivals or at `timeMs` (whichever first), measuring from
 * `warmupMs`. `maxEvents` and `maxInFlight` bound a run that would not end or would exhaust
 * memory (see ModelConfig.stop).
 */
export interface StopSpec {
  requests?: number;
  timeMs?: number;
  warmupMs: number;
  maxEvents?: number;
  maxInFlight?: number;
}

/** Largest run accepted (requests); larger runs are a typo more often than a plan. */
export const MAX_REQUESTS = 1e10;
export const MAX_SERVERS = 1_000_000;
/**
 * Largest trace time (ms, about 31.7 years). Float64 milliseconds are exact to about 0.1 µs
 * below it; far beyond it adding a service time no longer changes a time (from 2^53 not even
 * 1 ms does), and latencies would come out as 0.
 */
export const MAX_TRACE_TIME_MS = 1e12;
export const MAX_TRACE_ARRIVALS = 10_000_000;
/**
 * Smallest mean (ms) of a random failure process's time between failures and repair time:
 * servers failing or repaired more often than every millisecond flood the run with failure
 * events (at mean 0 it never advances).
 */
export const MIN_FAILURE_MEAN_MS = 1;
/** Largest `stop.maxInFlight`: request rows are typed-array indices (2^26 fit in an event's target). */
export const MAX_IN_FLIGHT = 2 ** 25;

const TOP = [
  '$schema', 'name', 'description', 'seed', 'stop', 'servers', 'arrivals', 'service', 'serviceScope', 'keys', 'balancer', 'fleet', 'view',
  'failures', 'health', 'client', 'metrics', 'story',
];

/** A scenario of services calling services (written with `services`, or a parsed one with `topology`): parseTopologyScenario's. */
export function isTopologyInput(input: unknown): input is Json {
  return isObject(input) && (input.services !== undefined || input.topology !== undefined);
}

/**
 * A single pool's scenario (parseScenario for any input that is not a topology).
 * `files` reads the files a scenario names (see ScenarioFiles); without it `file` fields are refused.
 */
export function parsePoolScenario(input: unknown, files?: ScenarioFiles): Scenario {
  const o = object(input, '', TOP);
  const scenario: Scenario = {
    name: stringField(o, 'name', '', 'scenario'),
    seed: numberField(o, 'seed', '', { integer: true, min: 0, max: 2 ** 32 - 1 }, 1),
    stop: parseStop(o.stop, isObject(o.arrivals) && o.arrivals.process === 'trace'),
    servers: parseServers(o.servers),
    arrivals: parseArrivals(o.arrivals, files),
    service: parseDistribution(o.service, 'service', files),
    balancer: { name: '' },
  };
  const total = scenario.servers.reduce((n, g) => n + g.count, 0);
  if (total > MAX_SERVERS) throw new ScenarioError('servers', `${total} servers`, `at most ${MAX_SERVERS} servers in all`);
  scenario.balancer = parseBalancer(o.balancer, scenario.servers);
  if (o.serviceScope !== undefined) scenario.serviceScope = oneOf(o.serviceScope, 'serviceScope', ['request', 'attempt'] as const);
  if (o.keys !== undefined) scenario.keys = parseKeys(o.keys);
  if (o.fleet !== undefined) {
    const f = object(o.fleet, 'fleet', ['count', 'assign']);
    scenario.fleet = {
      count: numberField(f, 'count', 'fleet', { integer: true, min: 1, max: 10_000 }),
      assign: f.assign === undefined ? 'round-robin' : oneOf(f.assign, 'fleet.assign', ['round-robin', 'random'] as const),
    };
  }
  if (o.view !== undefined) {
    const v = object(o.view, 'view', ['load', 'refreshMs']);
    scenario.view = {
      load: v.load === undefined ? 'own' : oneOf(v.load, 'view.load', ['own', 'reported'] as const),
      refreshMs: numberField(v, 'refreshMs', 'view', { min: 0 }, 0),
    };
    if (scenario.view.load === 'own' && scenario.view.refreshMs > 0) {
      throw new ScenarioError('view.refreshMs', scenario.view.refreshMs, '0 or absent with load "own" (a balancer always knows its own connections; use load "reported" for stale reports)');
    }
  }
  if (o.failures !== undefined) scenario.failures = parseFailures(o.failures, total, files);
  if (o.health !== undefined) scenario.health = parseHealth(o.health);
  if (o.client !== undefined) scenario.client = parseClient(o.client);
  finishCommon(o, scenario);
  if (o.story !== undefined) {
    compileStory(scenario, parseStory(o.story, total)); // refuses a revive of a running server, …
    scenario.story = structuredClone(o.story) as StoryStepInput[];
  }
  return scenario;
}

/** `metrics`, and a trace's default stop (after its last arrival): the same for a pool and a topology. */
export function finishCommon(o: Json, scenario: Scenario): void {
  if (o.metrics !== undefined) {
    const m = object(o.metrics, 'metrics', ['significantDigits']);
    scenario.metrics = {
      significantDigits: numberField(m, 'significantDigits', 'metrics', { integer: true, min: HISTOGRAM_DIGITS.min, max: HISTOGRAM_DIGITS.max }, HISTOGRAM_DIGITS.default),
    };
  }
  if (scenario.arrivals.process === 'trace' && scenario.stop.requests === undefined && scenario.stop.timeMs === undefined) {
    scenario.stop.requests = scenario.arrivals.timesMs.length;
  }
}

/** A trace may leave `stop` out: it stops after its last arrival. */
export function parseStop(value: unknown, trace: boolean): Scenario['stop'] {
  if (value === undefined && trace) return { warmupMs: 0 };
  const o = object(value, 'stop', ['requests', 'timeMs', 'warmupMs', 'maxEvents', 'maxInFlight']);
  const requests = optionalNumberField(o, 'requests', 'stop', { integer: true, min: 1, max: MAX_REQUESTS });
  const timeMs = optionalNumberField(o, 'timeMs', 'stop', { above: 0, max: MAX_TIME_MS / 10 });
  const warmupMs = numberField(o, 'warmupMs', 'stop', { min: 0 }, 0);
  const maxEvents = optionalNumberField(o, 'maxEvents', 'stop', { integer: true, min: 1, max: 2 ** 53 });
  const maxInFlight = optionalNumberField(o, 'maxInFlight', 'stop', { integer: true, min: 1, max: MAX_IN_FLIGHT });
  if (requests === undefined && timeMs === undefined && !trace) {
    throw new ScenarioError('stop', value, '{"requests": N} or {"timeMs": T} (or both: whichever comes first)');
  }
  if (timeMs !== undefined && warmupMs >= timeMs) {
    throw new ScenarioError('stop.warmupMs', warmupMs, `less than stop.timeMs (${timeMs})`);
  }
  const stop: Scenario['stop'] = { warmupMs };
  if (requests !== undefined) stop.requests = requests;
  if (timeMs !== undefined) stop.timeMs = timeMs;
  if (maxEvents !== undefined) stop.maxEvents = maxEvents;
  if (maxInFlight !== undefined) stop.maxInFlight = maxInFlight;
  return stop;
}

export function parseServers(value: unknown, at = 'servers'): ServerGroup[] {
  const groups = array(value, at, 1);
  return groups.map((item, i) => {
    const path = join(at, i);
    const o = object(item, path, ['name', 'count', 'concurrency', 'speed', 'weight', 'queueLimit', 'discipline', 'queueTargetMs', 'queueIntervalMs']);
    const group: ServerGroup = {
      count: numberField(o, 'count', path, { integer: true, min: 1, max: MAX_SERVERS }, 1),
      concurrency: numberField(o, 'concurrency', path, { integer: true, min: 1, max: 1_000_000 }, 1),
      speed: numberField(o, 'speed', path, { above: 0, max: 1e6 }, 1),
      weight: numberField(o, 'weight', path, { min: 0, max: 1e6 }, 1),
    };
    if (o.name !== undefined) group.name = stringField(o, 'name', path);
    if (o.discipline !== undefined) group.discipline = oneOf(o.discipline, join(path, 'discipline'), DISCIPLINES);
    const target = optionalNumberField(o, 'queueTargetMs', path, { above: 0 });
    const interval = optionalNumberField(o, 'queueIntervalMs', path, { above: 0 });
    if ((target !== undefined || interval !== undefined) && group.discipline !== 'adaptive-lifo') {
      throw new ScenarioError(join(path, target !== undefined ? 'queueTargetMs' : 'queueIntervalMs'), target ?? interval, 'only with "discipline": "adaptive-lifo"');
    }
    if (target !== undefined) group.queueTargetMs = target;
    if (interval !== undefined) group.queueIntervalMs = interval;
    const limit = optionalNumberField(o, 'queueLimit', path, { integer: true, min: 0, max: 2 ** 31 - 1 });
    if (limit !== undefined) group.queueLimit = limit;
    return group;
  });
}

export function parseArrivals(value: unknown, files: ScenarioFiles | undefined): ArrivalSpec | ClosedLoopSpec {
  const path = 'arrivals';
  if (typeof value !== 'object' || value === null) throw new ScenarioError(path, value, 'an object with a "process" field');
  const process = oneOf((value as Json).process, join(path, 'process'), [...ARRIVAL_PROCESSES, 'closed'] as const);
  if (process === 'closed') {
    const o = object(value, path, ['process', 'clients', 'thinkMs']);
    return {
      process,
      clients: numberField(o, 'clients', path, { integer: true, min: 1, max: 10_000_000 }),
      thinkMs: parseDistribution(o.thinkMs, join(path, 'thinkMs'), files),
    };
  }
  const rate = { above: 0, max: 1e9 };
  switch (process) {
    case 'poisson':
    case 'constant': {
      const o = object(value, path, ['process', 'ratePerSec', 'changes']);
      const spec: Extract<ArrivalSpec, { process: 'poisson' | 'constant' }> = { process, ratePerSec: numberField(o, 'ratePerSec', path, rate) };
      if (o.changes !== undefined) spec.changes = parseRateChanges(o.changes, join(path, 'changes'));
      return spec;
    }
    case 'on-off': {
      const o = object(value, path, ['process', 'ratePerSec', 'offRatePerSec', 'onMs', 'offMs']);
      return {
        process,
        ratePerSec: numberField(o, 'ratePerSec', path, rate),
        offRatePerSec: numberField(o, 'offRatePerSec', path, { min: 0, max: 1e9 }, 0),
        onMs: numberField(o, 'onMs', path, { above: 0 }),
        offMs: numberField(o, 'offMs', path, { above: 0 }),
      };
    }
    case 'ramp': {
      const o = object(value, path, ['process', 'fromPerSec', 'toPerSec', 'overMs']);
      const spec = {
        process,
        fromPerSec: numberField(o, 'fromPerSec', path, { min: 0, max: 1e9 }),
        toPerSec: numberField(o, 'toPerSec', path, { min: 0, max: 1e9 }),
        overMs: numberField(o, 'overMs', path, { above: 0 }),
      };
      if (spec.fromPerSec === 0 && spec.toPerSec === 0) throw new ScenarioError(join(path, 'toPerSec'), 0, 'a positive rate at one end of the ramp');
      return spec;
    }
    case 'trace': {
      let o = object(value, path, ['process', 'timesMs', 'costsMs', 'keys', 'file']);
      if (o.file !== undefined) {
        const at = join(path, 'file');
        if (typeof o.file !== 'string' || o.file === '') throw new ScenarioError(at, o.file, 'the name of a CSV file (a string), relative to the scenario file');
        const inline = ['timesMs', 'costsMs', 'keys'].find((k) => o[k] !== undefined);
        if (inline) throw new ScenarioError(join(path, inline), o[inline], `either a file or inline timesMs, costsMs and keys, not both (${at} is given)`);
        if (!files) throw new ScenarioError(at, o.file, 'a trace loaded by loadScenarioFile() or the CLI (which read the CSV), not by parseScenario()');
        o = { process, ...files.trace(o.file, path) };
      }
      const times = join(path, 'timesMs');
      if (Array.isArray(o.timesMs) && o.timesMs.length > MAX_TRACE_ARRIVALS) throw new ScenarioError(times, o.timesMs, `at most ${MAX_TRACE_ARRIVALS} arrivals`);
      const timesMs = numberArray(o.timesMs, times, { min: 0 });
      for (let i = 0; i < timesMs.length; i++) {
        if (timesMs[i] > MAX_TRACE_TIME_MS) {
          throw new ScenarioError(join(times, i), timesMs[i], `a time of at most ${MAX_TRACE_TIME_MS} ms (about 31 years): beyond it float64 milliseconds are too coarse for a service time to change them, and latencies would read 0`);
        }
        if (i > 0 && timesMs[i] < timesMs[i - 1]) throw new ScenarioError(join(times, i), timesMs[i], `a time >= the previous one (${timesMs[i - 1]})`);
      }
      const spec: ArrivalSpec = { process, timesMs };
      if (o.costsMs !== undefined) spec.costsMs = sameLength(numberArray(o.costsMs, join(path, 'costsMs'), { min: 0 }), timesMs, join(path, 'costsMs'));
      if (o.keys !== undefined) spec.keys = sameLength(numberArray(o.keys, join(path, 'keys'), { integer: true, min: 0, max: 2 ** 31 - 1 }), timesMs, join(path, 'keys'));
      return spec;
    }
  }
}

/** `arrivals.changes`: steps of the rate, `[{atMs, ratePerSec}]` in ascending time (a story's `rate`). */
function parseRateChanges(value: unknown, path: string): { atMs: number; ratePerSec: number }[] {
  const changes = array(value, path).map((item, i) => {
    const p = join(path, i);
    const x = object(item, p, ['atMs', 'ratePerSec']);
    return { atMs: numberField(x, 'atMs', p, { min: 0 }), ratePerSec: numberField(x, 'ratePerSec', p, { min: 0, max: 1e9 }) };
  });
  for (let i = 1; i < changes.length; i++) {
    if (changes[i].atMs < changes[i - 1].atMs) throw new ScenarioError(join(join(path, i), 'atMs'), changes[i].atMs, `a time >= the previous one (${changes[i - 1].atMs})`);
  }
  return changes;
}

/**
 * `failures`: random failures by `mtbfMs`/`mttrMs` (exponential) or `timeBetween`/`repair`
 * (any distribution), scheduled `outages`, and the recovery `warmupMs`.
 */
export function parseFailures(value: unknown, servers: number, files: ScenarioFiles | undefined, path = 'failures'): FailureConfig {
  const o = object(value, path, ['mtbfMs', 'mttrMs', 'timeBetween', 'repair', 'warmupMs', 'outages', 'slowdowns', 'zones']);
  const timeBetween = meanOrDistribution(o, 'mtbfMs', 'timeBetween', path, files);
  const repair = meanOrDistribution(o, 'mttrMs', 'repair', path, files);
  if (timeBetween && !repair) throw new ScenarioError(join(path, 'mttrMs'), undefined, 'a repair time (mttrMs or repair) when servers fail at random');
  const outages = (o.outages === undefined ? [] : array(o.outages, join(path, 'outages'))).map((item, i) => {
    const p = join(join(path, 'outages'), i);
    const x = object(item, p, ['atMs', 'forMs', 'servers']);
    const ids = numberArray(x.servers, join(p, 'servers'), { integer: true, min: 0, max: servers - 1 });
    return { atMs: numberField(x, 'atMs', p, { min: 0 }), forMs: numberField(x, 'forMs', p, { above: 0 }), servers: ids };
  });
  const slowdowns = (o.slowdowns === undefined ? [] : array(o.slowdowns, join(path, 'slowdowns'))).map((item, i) => {
    const p = join(join(path, 'slowdowns'), i);
    const x = object(item, p, ['atMs', 'forMs', 'servers', 'factor']);
    return {
      atMs: numberField(x, 'atMs', p, { min: 0 }),
      forMs: numberField(x, 'forMs', p, { above: 0 }),
      servers: numberArray(x.servers, join(p, 'servers'), { integer: true, min: 0, max: servers - 1 }),
      factor: numberField(x, 'factor', p, { min: 1, max: 1e6 }),
    };
  });
  const config: FailureConfig = { warmupMs: numberField(o, 'warmupMs', path, { min: 0 }, 0), outages };
  if (slowdowns.length) config.slowdowns = slowdowns;
  const zones = (o.zones === undefined ? [] : array(o.zones, join(path, 'zones'))).map((item, i) => {
    const p = join(join(path, 'zones'), i);
    const x = object(item, p, ['servers', 'mtbfMs', 'mttrMs', 'timeBetween', 'repair']);
    // Both are required for a zone: an absent one is reported by numberField at its mean's path.
    const dist = (meanKey: string, distKey: string): DistributionSpec =>
      meanOrDistribution(x, meanKey, distKey, p, files) ?? { dist: 'exponential', meanMs: numberField(x, meanKey, p, { above: 0 }) };
    return {
      servers: numberArray(x.servers, join(p, 'servers'), { integer: true, min: 0, max: servers - 1 }),
      timeBetween: dist('mtbfMs', 'timeBetween'),
      repair: dist('mttrMs', 'repair'),
    };
  });
  if (zones.length) config.zones = zones;
  if (timeBetween) config.timeBetween = timeBetween;
  if (repair) config.repair = repair;
  return config;
}

export function parseKeys(value: unknown): KeySpec {
  if (!isObject(value)) throw new ScenarioError('keys', value, 'an object with a "dist" field ("uniform" or "zipf")');
  const dist = oneOf(value.dist, 'keys.dist', ['uniform', 'zipf'] as const);
  if (dist === 'uniform') {
    const o = object(value, 'keys', ['dist', 'count']);
    return { dist, count: numberField(o, 'count', 'keys', { integer: true, min: 1, max: 2 ** 31 - 1 }) };
  }
  const o = object(value, 'keys', ['dist', 'count', 'exponent']);
  return {
    dist,
    count: numberField(o, 'count', 'keys', { integer: true, min: 1, max: 10_000_000 }),
    exponent: numberField(o, 'exponent', 'keys', { min: 0, max: 10 }),
  };
}

/**
 * A failure process's time between failures or repair time: `meanKey` (an exponential's mean,
 * ms) or `distKey` (any distribution), not both, with a mean of at least MIN_FAILURE_MEAN_MS;
 * undefined if neither is given.
 */
function meanOrDistribution(o: Json, meanKey: string, distKey: string, path: string, files: ScenarioFiles | undefined): DistributionSpec | undefined {
  if (o[meanKey] !== undefined && o[distKey] !== undefined) {
    throw new ScenarioError(join(path, distKey), o[distKey], `either ${meanKey} or ${distKey}, not both`);
  }
  const why = 'servers failing or repaired more often than every millisecond would flood the run with failure events (at 0 it never advances)';
  if (o[meanKey] !== undefined) {
    const meanMs = numberField(o, meanKey, path, { above: 0, max: MAX_DISTRIBUTION_MS });
    if (meanMs < MIN_FAILURE_MEAN_MS) throw new ScenarioError(join(path, meanKey), meanMs, `at least ${MIN_FAILURE_MEAN_MS} ms: ${why}`);
    return { dist: 'exponential', meanMs };
  }
  if (o[distKey] === undefined) return undefined;
  const spec = parseDistribution(o[distKey], join(path, distKey), files);
  const { meanMs } = createDistribution(spec);
  if (!(meanMs >= MIN_FAILURE_MEAN_MS)) {
    throw new ScenarioError(join(path, distKey), o[distKey], `a distribution with mean >= ${MIN_FAILURE_MEAN_MS} ms: ${why}`);
  }
  return spec;
}

function sameLength(values: number[], times: number[], path: string): number[] {
  if (values.length !== times.length) throw new ScenarioError(path, `${values.length} values`, `one per arrival time (${times.length})`);
  return values;
}

/**
 * Checks the name and lets the policy's factory validate its options (on a throw-away context
 * the size of the pool), so a bad option is reported before anything runs.
 */
export function parseBalancer(value: unknown, servers: readonly ServerGroup[], path = 'balancer'): Scenario['balancer'] {
  if (!isObject(value)) throw new ScenarioError(path, value, 'an object with a "name" field');
  const info = typeof value.name === 'string' ? getBalancer(value.name) : undefined;
  if (!info) throw new ScenarioError(join(path, 'name'), value.name, `a known balancer: ${balancerNames().join(', ')}`);
  const { name: _name, ...options } = value;
  const size = servers.reduce((n, g) => n + g.count, 0);
  const weights = new Float64Array(size);
  let s = 0;
  for (const g of servers) for (let k = 0; k < g.count; k++) weights[s++] = g.weight;
  info.create(
    {
      size, weights, eligible: new Uint8Array(size).fill(1), outstanding: new Int32Array(size),
      trueLoad: new Int32Array(size), rng: { next: () => 0.5 }, now: () => 0,
    },
    options,
    path,
  );
  return { ...options, name: info.name };
}

/**
 * A topology scenario with service `service`'s balancer replaced by `balancer` (a name, or a name
 * with options); the entry's is the scenario's own (`withBalancer`). Errors name `path`.
 */
export function withServiceBalancer(scenario: Scenario, service: string, balancer: string | ({ name: string } & Json), path = 'options.services'): Scenario {
  const t = scenario.topology;
  if (!t) throw new ScenarioError(path, service, 'a topology (a scenario with "services") to set the balancer of a service');
  const at = t.services.findIndex((svc) => svc.name === service);
  if (at < 0) throw new ScenarioError(join(path, service), service, `one of the services: ${t.services.map((svc) => svc.name).join(', ')}`);
  if (service === t.entry) return withBalancer(scenario, balancer);
  const value = typeof balancer === 'string' ? { name: balancer } : balancer;
  const services = t.services.slice();
  services[at] = { ...services[at], balancer: parseBalancer(value, services[at].servers, join(path, service)) };
  return { ...scenario, topology: { ...t, services } };
}

/** The scenario with its balancer replaced by `balancer` (a name, or a name with options). */
export function withBalancer(scenario: Scenario, balancer: string | ({ name: string } & Json)): Scenario {
  const value = typeof balancer === 'string' ? { name: balancer } : balancer;
  return { ...scenario, balancer: parseBalancer(value, scenario.servers) };
}

/** The simulated world a scenario describes: groups expanded into servers. */
/** The simulated world of a topology scenario; the entry's balancer is the scenario's (`withBalancer`). */
export function toTopologyConfig(scenario: Scenario): TopologyConfig {
  const t = scenario.topology!;
  const expand = (groups: readonly ServerGroup[]): ServerSpec[] => toModelConfig({ ...scenario, topology: undefined, servers: [...groups] }).servers as ServerSpec[];
  const options = (b: Scenario['balancer']) => {
    const { name, ...rest } = b;
    return { name, options: rest };
  };
  const config: TopologyConfig = {
    seed: scenario.seed, stop: scenario.stop, arrivals: scenario.arrivals, entry: t.entry,
    services: t.services.map((svc) => ({
      name: svc.name, servers: expand(svc.servers), steps: svc.work,
      balancer: options(svc.name === t.entry ? scenario.balancer : svc.balancer),
      ...(svc.limit ? { limit: svc.limit } : {}),
      ...(svc.failures ? { failures: svc.failures } : {}),
      ...(svc.health ? { health: toHealthConfig(svc.health) } : {}),
    })),
    calls: t.calls,
  };
  if (scenario.keys) config.keys = scenario.keys;
  if (scenario.client) config.client = scenario.client;
  if (scenario.metrics) config.metrics = scenario.metrics;
  if (t.entries) config.entries = t.entries;
  return config;
}

export function toModelConfig(written: Scenario): ModelConfig {
  const scenario = written.story ? compileStory(written, parseStory(written.story, written.servers.reduce((n, g) => n + g.count, 0))) : written;
  const servers: ServerSpec[] = [];
  for (const g of scenario.servers) {
    for (let k = 0; k < g.count; k++) {
      servers.push({
        concurrency: g.concurrency, speed: g.speed, weight: g.weight, queueLimit: g.queueLimit ?? -1,
        discipline: g.discipline, queueTargetMs: g.queueTargetMs, queueIntervalMs: g.queueIntervalMs,
      });
    }
  }
  const { name, ...options } = scenario.balancer;
  const config: ModelConfig = { seed: scenario.seed, stop: scenario.stop, servers, arrivals: scenario.arrivals, service: scenario.service, balancer: { name, options } };
  if (scenario.failures) config.failures = scenario.failures;
  if (scenario.keys) config.keys = scenario.keys;
  if (scenario.serviceScope) config.serviceScope = scenario.serviceScope;
  if (scenario.fleet) config.fleet = scenario.fleet;
  if (scenario.view) config.view = scenario.view;
  if (scenario.health) config.health = toHealthConfig(scenario.health);
  if (scenario.client) config.client = scenario.client;
  if (scenario.metrics) config.metrics = scenario.metrics;
  return config;
}
