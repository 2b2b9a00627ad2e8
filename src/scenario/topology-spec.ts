/**
 * Validation of a topology: `entry`, `services` (each with its servers, balancer and handler
 * steps under `work`) and `calls` (the client policy of each edge "caller->callee"). Errors name
 * the path (`services.api.work[1].call`). Calls must not form a cycle.
 */
import { ScenarioError, array, isObject, join, numberField, object, oneOf, stringField, type Json } from '../input/check.js';
import { parseDistribution } from './distribution-spec.js';
import { MAX_CLIENT_MS, parseClient } from './client-spec.js';
import type { ScenarioFiles } from './scenario-files.js';
import type { ClientConfig } from '../model/client.js';
import type { EdgePolicy, StepConfig } from '../model/topology.js';
import { BREAKER_WINDOW_TYPES, type BreakerConfig } from '../model/circuit-breaker.js';
import { parseLimit, type LimitConfig } from './limit-spec.js';
import type { FailureConfig } from '../model/failures.js';
import type { HealthSpec } from './health-spec.js';

/** A service as written (groups of servers, its balancer with options, its handler). */
export interface ServiceSpec<Group = unknown, Balancer = { name: string } & Record<string, unknown>> {
  name: string;
  servers: Group[];
  balancer: Balancer;
  work: StepConfig[];
  /** A concurrency limit at each of its servers. */
  limit?: LimitConfig;
  /** Failures of its servers (ids 0.. within the service) and its balancer's health checks. */
  failures?: FailureConfig;
  health?: HealthSpec;
}

export interface TopologySpec {
  entry: string;
  services: ServiceSpec<import('./scenario.js').ServerGroup, import('./scenario.js').Scenario['balancer']>[];
  /** Policy per edge "a->b" (absent: no timeout, no retries, no breaker, no bulkhead). */
  calls: Record<string, EdgePolicy>;
  /** Several entries, each with its own arrivals, keys and client (`entry` is the first's). */
  entries?: EntrySpec[];
}

/** An entry service with its own arrivals (TopologySpec.entries). */
export interface EntrySpec {
  name: string;
  arrivals: import('../model/arrivals.js').ArrivalSpec | import('../model/workload.js').ClosedLoopSpec;
  keys?: import('../model/workload.js').KeySpec;
  client?: ClientConfig;
}

/** The parsers of pool fields, handed over by scenario.ts (which owns them). */
export interface PoolParsers {
  servers(value: unknown, path: string): import('./scenario.js').ServerGroup[];
  balancer(value: unknown, servers: readonly import('./scenario.js').ServerGroup[], path: string): import('./scenario.js').Scenario['balancer'];
  failures(value: unknown, servers: number, files: ScenarioFiles | undefined, path: string): FailureConfig;
  health(value: unknown, path: string): HealthSpec;
  maxServers: number;
}

const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const MAX_SERVICES = 1000;
const MAX_STEPS = 100;
const MAX_FANOUT = 1000;
/** Longest chain of calls, and attempts one entry request may cause (retries aside). */
const MAX_DEPTH = 64;
const MAX_ATTEMPTS_PER_REQUEST = 100_000;

/** `extraEdges`: edges called by other means than steps (a workflow's invokes), whose policy `calls` may set. */
export function parseTopology(o: Json, parsers: PoolParsers, files?: ScenarioFiles, extraEdges: readonly string[] = []): TopologySpec {
  const all = o.services;
  if (!isObject(all)) throw new ScenarioError('services', o.services, 'an object of services by name, e.g. {"api": {"servers": [...], "balancer": {...}, "work": [...]}}');
  const names = Object.keys(all);
  if (names.length === 0 || names.length > MAX_SERVICES) throw new ScenarioError('services', `${names.length} services`, `1 to ${MAX_SERVICES} services`);
  for (const name of names) {
    if (!NAME.test(name)) throw new ScenarioError(join('services', name), name, 'a service name: a letter, then letters, digits, "_" or "-" (at most 64)');
    if (name === 'client') throw new ScenarioError(join('services', name), name, 'another name ("client" is the external client: its edge to the entry is "client-><entry>")');
  }
  let total = 0;
  const services = names.map((name) => {
    const path = join('services', name);
    const x = object(all[name], path, ['servers', 'balancer', 'work', 'limit', 'failures', 'health']);
    const servers = parsers.servers(x.servers, join(path, 'servers'));
    total += servers.reduce((n, g) => n + g.count, 0);
    const balancer = parsers.balancer(x.balancer, servers, join(path, 'balancer'));
    const work = array(x.work, join(path, 'work')).map((step, k) => parseStep(step, join(join(path, 'work'), k), names, name, files));
    if (work.length > MAX_STEPS) throw new ScenarioError(join(path, 'work'), `${work.length} steps`, `at most ${MAX_STEPS} steps`);
    const svc: ServiceSpec<import('./scenario.js').ServerGroup, import('./scenario.js').Scenario['balancer']> = { name, servers, balancer, work };
    if (x.limit !== undefined) svc.limit = parseLimit(x.limit, join(path, 'limit'));
    const count = servers.reduce((n, g) => n + g.count, 0);
    if (x.failures !== undefined) svc.failures = parsers.failures(x.failures, count, files, join(path, 'failures'));
    if (x.health !== undefined) svc.health = parsers.health(x.health, join(path, 'health'));
    return svc;
  });
  if (total > parsers.maxServers) throw new ScenarioError('services', `${total} servers`, `at most ${parsers.maxServers} servers in all`);
  const entry = o.entry === undefined ? names[0] : stringField(o, 'entry', '');
  if (!names.includes(entry)) throw new ScenarioError('entry', entry, `one of the services: ${names.join(', ')}`);
  refuseCycles(services);
  refuseExplosions(services, entry);
  const edges = new Set<string>();
  for (const svc of services) for (const step of svc.work) for (const to of targets(step)) edges.add(`${svc.name}->${to}`);
  for (const edge of extraEdges) edges.add(edge);
  const calls: Record<string, EdgePolicy> = {};
  if (o.calls !== undefined) {
    if (!isObject(o.calls)) throw new ScenarioError('calls', o.calls, 'an object of client policies by edge, e.g. {"api->db": {"timeoutMs": 50}}');
    for (const edge of Object.keys(o.calls)) {
      const path = `calls["${edge}"]`;
      if (!edges.has(edge)) throw new ScenarioError(path, edge, `an edge some service calls: ${[...edges].join(', ') || '(none)'}`);
      const raw = object(o.calls[edge], path, ['timeoutMs', 'deadlineMs', 'connectTimeoutMs', 'cancel', 'retries', 'hedge', 'breaker', 'maxConcurrent', 'latencyMs', 'loss']);
      const { breaker, maxConcurrent, latencyMs, loss, ...client } = raw;
      const policy: EdgePolicy = parseClient(client, path);
      refuseInTopology(policy, path);
      if (breaker !== undefined) policy.breaker = parseBreaker(breaker, join(path, 'breaker'));
      if (maxConcurrent !== undefined) policy.maxConcurrent = numberField(raw, 'maxConcurrent', path, { integer: true, min: 1, max: 10_000_000 });
      if (latencyMs !== undefined) policy.latencyMs = parseDistribution(latencyMs, join(path, 'latencyMs'), files);
      if (loss !== undefined) {
        policy.loss = numberField(raw, 'loss', path, { min: 0, max: 1 });
        if (policy.loss > 0 && policy.timeoutMs === undefined && policy.deadlineMs === undefined) {
          throw new ScenarioError(join(path, 'loss'), policy.loss, 'no loss on an edge without "timeoutMs" or "deadlineMs" (a lost answer would be waited for forever)');
        }
      }
      calls[edge] = policy;
    }
  }
  return { entry, services, calls };
}

/** What a topology does not support yet in a client policy: connect timeouts. */
export function refuseInTopology(policy: ClientConfig, path: string): void {
  if (policy.connectTimeoutMs > 0) throw new ScenarioError(join(path, 'connectTimeoutMs'), policy.connectTimeoutMs, 'no connectTimeoutMs in a topology yet');
}

/**
 * Resilience4j's breaker; defaults as there (count-based window of 100, 50%, 60 s open, 10 trials;
 * time-based: a window of 100 s in 1 s buckets, minCalls 100).
 */
function parseBreaker(value: unknown, path: string): BreakerConfig {
  const o = object(value, path, ['windowType', 'window', 'windowMs', 'minCalls', 'failureRatePercent', 'openMs', 'halfOpenCalls']);
  const type = o.windowType === undefined ? 'count' : oneOf(o.windowType, join(path, 'windowType'), BREAKER_WINDOW_TYPES);
  const rest = (minCallsMax: number, minCallsDefault: number) => ({
    minCalls: numberField(o, 'minCalls', path, { integer: true, min: 1, max: minCallsMax }, minCallsDefault),
    failureRatePercent: numberField(o, 'failureRatePercent', path, { above: 0, max: 100 }, 50),
    openMs: numberField(o, 'openMs', path, { above: 0, max: MAX_CLIENT_MS }, 60_000),
    halfOpenCalls: numberField(o, 'halfOpenCalls', path, { integer: true, min: 1, max: 100_000 }, 10),
  });
  if (type === 'time') {
    if (o.window !== undefined) throw new ScenarioError(join(path, 'window'), o.window, 'no window with windowType "time" (its length is windowMs)');
    const windowMs = numberField(o, 'windowMs', path, { integer: true, min: 1000, max: 3_600_000 }, 100_000);
    if (windowMs % 1000 !== 0) throw new ScenarioError(join(path, 'windowMs'), windowMs, 'a whole number of seconds in ms (one bucket per second, as Resilience4j)');
    return { windowType: 'time', windowMs, ...rest(10_000_000, 100) };
  }
  if (o.windowMs !== undefined) throw new ScenarioError(join(path, 'windowMs'), o.windowMs, 'windowMs only with windowType "time" (a count-based window is window outcomes)');
  const window = numberField(o, 'window', path, { integer: true, min: 1, max: 100_000 }, 100);
  return { window, ...rest(window, window) };
}

function targets(step: StepConfig): string[] {
  return 'call' in step ? [step.call] : 'parallel' in step ? step.parallel : [];
}

function parseStep(value: unknown, path: string, names: readonly string[], self: string, files?: ScenarioFiles): StepConfig {
  if (!isObject(value)) throw new ScenarioError(path, value, 'a step: {"work": distribution}, {"fail": probability}, {"call": service} or {"parallel": [services], "need": "all"|"any"|k}');
  const service = (v: unknown, at: string): string => {
    const name = oneOf(v, at, names as string[]);
    if (name === self) throw new ScenarioError(at, name, 'another service (a service calling itself is a cycle)');
    return name;
  };
  const options = (x: Json, step: { p?: number; hold?: boolean; fallback?: boolean }) => {
    if (x.fallback !== undefined) {
      if (typeof x.fallback !== 'boolean') throw new ScenarioError(join(path, 'fallback'), x.fallback, 'true (a failed call is answered by a fallback: the attempt goes on, degraded) or false (default: it fails)');
      step.fallback = x.fallback;
    }
    if (x.p !== undefined) step.p = numberField(x, 'p', path, { above: 0, max: 1 });
    if (x.hold !== undefined) {
      if (typeof x.hold !== 'boolean') throw new ScenarioError(join(path, 'hold'), x.hold, 'true (keep the slot while waiting, default) or false (release it)');
      step.hold = x.hold;
    }
  };
  if ('work' in value) {
    const x = object(value, path, ['work']);
    return { work: parseDistribution(x.work, join(path, 'work'), files) };
  }
  if ('fail' in value) {
    const x = object(value, path, ['fail']);
    return { fail: numberField(x, 'fail', path, { min: 0, max: 1 }) };
  }
  if ('call' in value) {
    const x = object(value, path, ['call', 'p', 'hold', 'fallback']);
    const step: StepConfig & { call: string } = { call: service(x.call, join(path, 'call')) };
    options(x, step);
    return step;
  }
  if ('parallel' in value) {
    const x = object(value, path, ['parallel', 'need', 'p', 'hold', 'fallback']);
    const list = array(x.parallel, join(path, 'parallel'), 1).map((v, i) => service(v, join(join(path, 'parallel'), i)));
    if (list.length > MAX_FANOUT) throw new ScenarioError(join(path, 'parallel'), `${list.length} calls`, `at most ${MAX_FANOUT}`);
    let need: 'all' | 'any' | number = 'all';
    if (typeof x.need === 'number') need = numberField(x, 'need', path, { integer: true, min: 1, max: list.length });
    else if (x.need !== undefined) need = oneOf(x.need, join(path, 'need'), ['all', 'any'] as const);
    const step: StepConfig & { parallel: string[] } = { parallel: list, need };
    options(x, step);
    return step;
  }
  throw new ScenarioError(path, value, 'a step: {"work": distribution}, {"fail": probability}, {"call": service} or {"parallel": [services], "need": "all"|"any"|k}');
}

/**
 * Bounds what one entry request may set off: chains of at most MAX_DEPTH services, and at most
 * MAX_ATTEMPTS_PER_REQUEST attempts when every call is made (fan-outs multiply down the tiers).
 */
export function refuseExplosions(services: readonly ServiceSpec[], entry: string): void {
  const byName = new Map(services.map((s) => [s.name, s]));
  const memo = new Map<string, { depth: number; attempts: number }>();
  const walk = (name: string): { depth: number; attempts: number } => {
    const known = memo.get(name);
    if (known) return known;
    let depth = 1, attempts = 1;
    for (const step of byName.get(name)!.work) {
      for (const to of targets(step)) {
        const below = walk(to);
        depth = Math.max(depth, below.depth + 1);
        attempts += below.attempts;
      }
    }
    const result = { depth, attempts: Math.min(attempts, Number.MAX_SAFE_INTEGER) };
    memo.set(name, result);
    return result;
  };
  const { depth, attempts } = walk(entry);
  if (depth > MAX_DEPTH) throw new ScenarioError('services', `a chain of ${depth} services`, `calls at most ${MAX_DEPTH} deep`);
  if (attempts > MAX_ATTEMPTS_PER_REQUEST) {
    throw new ScenarioError('services', `${attempts} attempts per request`, `fan-outs that multiply to at most ${MAX_ATTEMPTS_PER_REQUEST.toLocaleString('en')} attempts per entry request (retries aside)`);
  }
}

/** Calls must form a DAG: a cycle would recurse without end. */
function refuseCycles(services: readonly ServiceSpec[]): void {
  const calls = new Map(services.map((s) => [s.name, new Set(s.work.flatMap(targets))]));
  const state = new Map<string, 1 | 2>(); // 1: on the path, 2: done
  const visit = (name: string, path: string[]): void => {
    if (state.get(name) === 2) return;
    if (state.get(name) === 1) {
      const cycle = [...path.slice(path.indexOf(name)), name].join(' -> ');
      throw new ScenarioError('services', cycle, 'calls without a cycle (a service may not end up calling itself)');
    }
    state.set(name, 1);
    for (const next of calls.get(name) ?? []) visit(next, [...path, name]);
    state.set(name, 2);
  };
  for (const s of services) visit(s.name, []);
}
