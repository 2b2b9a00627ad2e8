/**
 * The parser of a scenario of services calling services (`services`, `calls`, `workflows`), apart
 * from a single pool's (pool-scenario.ts) so that the embeddable element loads it, and the
 * topology and workflow parsers it calls, only for a figure that shows a topology. Use
 * `parseScenario` (scenario.ts), which dispatches to it.
 */
import { ScenarioError, isObject, join, numberField, object, stringField, type Json } from '../input/check.js';
import type { ScenarioFiles } from './scenario-files.js';
import { MAX_TARGET } from '../engine/simulation.js';
import { parseClient } from './client-spec.js';
import { parseHealth } from './health-spec.js';
import { parseTopology, refuseExplosions, refuseInTopology, type EntrySpec } from './topology-spec.js';
import type { parseWorkflows } from '../workflow/workflow-spec.js';
import {
  MAX_SERVERS, finishCommon, parseArrivals, parseBalancer, parseFailures, parseKeys, parseServers, parseStop, type Scenario,
} from './pool-scenario.js';

/** Parses a topology's `workflows` (the library's parseWorkflows). */
export type WorkflowParser = typeof parseWorkflows;

/** Top-level fields of a topology (services calling services); the rest lives under `services`. */
export const TOPOLOGY_TOP = ['$schema', 'name', 'description', 'seed', 'stop', 'arrivals', 'keys', 'entry', 'entries', 'services', 'calls', 'client', 'metrics', 'workflows'];

/** Fields of an entry under `entries` (several entry services, each with its own arrivals). */
export const ENTRY_FIELDS = ['arrivals', 'keys', 'client'];

/**
 * A scenario of services calling services (see TopologySpec), written with `services` or a parsed
 * one (with `topology`) validated again. Its top-level `servers` and `balancer` are the entry
 * service's, so tools that read them (the run header, `--balancer`) speak of the entry; `service`
 * is not used. `workflowParser` parses its `workflows` (parseWorkflows; parseScenario passes it,
 * the embeddable element loads it only for a scenario with workflows).
 */
export function parseTopologyScenario(written: Json, files?: ScenarioFiles, workflowParser?: WorkflowParser): Scenario {
  const input = written.services === undefined && written.topology !== undefined ? topologyInputOf(written as unknown as Scenario) : written;
  for (const key of Object.keys(input)) {
    if (!TOPOLOGY_TOP.includes(key)) {
      const where = ['servers', 'balancer', 'service', 'serviceScope', 'fleet', 'view', 'failures', 'health'].includes(key)
        ? 'in a topology it belongs to each service (services.<name>), or is not supported there yet'
        : `no such field (known fields with "services": ${TOPOLOGY_TOP.join(', ')})`;
      throw new ScenarioError(key, input[key], where);
    }
  }
  const o = input;
  const entries = o.entries !== undefined ? parseEntries(o, files) : undefined;
  const arrivals = entries ? entries[0].arrivals : parseArrivals(o.arrivals, files);
  if (!entries) refuseTraceCosts(arrivals, o.arrivals, 'arrivals');
  if (o.workflows !== undefined && !workflowParser) throw new Error('workflows: this build parses topologies without workflows (pass parseWorkflows)');
  const workflows = o.workflows !== undefined && isObject(o.services) ? workflowParser!(o.workflows, Object.keys(o.services)) : undefined;
  const topology = parseTopology(entries ? { ...o, entry: entries[0].name } : o, { servers: parseServers, balancer: parseBalancer, failures: parseFailures, health: parseHealth, maxServers: MAX_SERVERS }, files, workflows?.edges);
  if (entries) {
    for (const x of entries.slice(1)) refuseExplosions(topology.services, x.name);
    topology.entries = entries;
  }
  const entry = topology.services.find((svc) => svc.name === topology.entry)!;
  if (workflows) {
    // An entry arrival creates an instance of the start machine, which lives in its own service.
    const { start, machines } = workflows.config, home = machines[start].service;
    if (entries) {
      if (!entries.some((x) => x.name === home)) throw new ScenarioError('entries', Object.keys(o.entries as Json), `an entry "${home}", the service of the start machine (${start}): each arrival there creates an instance of ${start} (arrivals at the other entries are plain traffic)`);
    } else if (topology.entry !== home) throw new ScenarioError('entry', topology.entry, `"${home}", the service of the start machine (${start}): each entry arrival creates an instance of ${start} there`);
  }
  const scenario: Scenario = {
    name: stringField(o, 'name', '', 'scenario'),
    seed: numberField(o, 'seed', '', { integer: true, min: 0, max: 2 ** 32 - 1 }, 1),
    stop: parseStop(o.stop, !entries && arrivals.process === 'trace'), // with entries, stop is due (they may not all be traces)
    servers: entry.servers,
    arrivals,
    service: { dist: 'constant', valueMs: 0 },
    balancer: entry.balancer,
    topology,
  };
  if (workflows) scenario.workflows = workflows.config;
  if (o.keys !== undefined) scenario.keys = parseKeys(o.keys);
  if (o.client !== undefined) {
    scenario.client = parseClient(o.client);
    refuseInTopology(scenario.client, 'client');
  }
  finishCommon(o, scenario);
  return scenario;
}

/** Each service's work steps say what an attempt costs there: a trace's costs would be ignored. */
function refuseTraceCosts(arrivals: Scenario['arrivals'], written: unknown, path: string): void {
  if (arrivals.process !== 'trace' || !arrivals.costsMs) return;
  const expected = 'a trace of times (and keys) without costs: in a topology each service\'s work steps give its work';
  if (isObject(written) && written.file !== undefined) throw new ScenarioError(join(path, 'file'), written.file, expected, 'a trace with a costMs column');
  throw new ScenarioError(join(path, 'costsMs'), arrivals.costsMs, expected);
}

/** `f()`, an error in a field it parses at a fixed path (`arrivals`, `keys`) named under `prefix`. */
function under<T>(prefix: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ScenarioError) throw new ScenarioError(`${prefix}.${e.path}`, e.value, e.expected);
    throw e;
  }
}

/**
 * `entries`: several entry services, each with its own `arrivals` and optionally `keys` and
 * `client` (its client -> entry edge), in place of `entry` with the top-level `arrivals`, `keys`
 * and `client` (refused alongside). Not with `workflows` yet.
 */
function parseEntries(o: Json, files?: ScenarioFiles): EntrySpec[] {
  for (const key of ['entry', 'arrivals', 'keys', 'client']) {
    if (o[key] === undefined) continue;
    throw new ScenarioError(key, o[key], key === 'entry'
      ? 'no "entry" with "entries" (the names under "entries" are the entry services)'
      : `no top-level "${key}" with "entries" (each entry has its own: entries.<service>.${key})`);
  }
  const example = '{"web": {"arrivals": {"process": "poisson", "ratePerSec": 100}}, "batch": {"arrivals": {...}}}';
  if (!isObject(o.entries)) throw new ScenarioError('entries', o.entries, `an object of entry services by name, each with its arrivals, e.g. ${example}`);
  const names = Object.keys(o.entries);
  if (names.length === 0) throw new ScenarioError('entries', o.entries, `at least one entry service, e.g. ${example}`);
  const services = isObject(o.services) ? Object.keys(o.services) : [];
  const entries = names.map((name) => {
    const path = join('entries', name);
    if (name === 'client') throw new ScenarioError(path, name, 'a service ("client" is the external client that sends every entry\'s requests)');
    if (!services.includes(name)) throw new ScenarioError(path, name, `one of the services: ${services.join(', ')}`);
    const x = object((o.entries as Json)[name], path, ENTRY_FIELDS);
    if (x.arrivals === undefined) throw new ScenarioError(join(path, 'arrivals'), undefined, 'the entry\'s arrivals, e.g. {"process": "poisson", "ratePerSec": 100}');
    const arrivals = under(path, () => parseArrivals(x.arrivals, files));
    refuseTraceCosts(arrivals, x.arrivals, join(path, 'arrivals'));
    const entry: EntrySpec = { name, arrivals };
    if (x.keys !== undefined) entry.keys = under(path, () => parseKeys(x.keys));
    if (x.client !== undefined) {
      entry.client = parseClient(x.client, join(path, 'client'));
      refuseInTopology(entry.client, join(path, 'client'));
    }
    return entry;
  });
  // An arrival event carries user × entries + entry, below the engine's bound on targets.
  const most = Math.floor((MAX_TARGET + 1) / names.length) - 1;
  for (const x of entries) {
    if (x.arrivals.process === 'closed' && x.arrivals.clients > most) {
      throw new ScenarioError(join(join('entries', x.name), 'arrivals.clients'), x.arrivals.clients, `at most ${most.toLocaleString('en')} users per entry with ${names.length} entries`);
    }
  }
  return entries;
}

/** A parsed topology scenario written back as input (to validate it again, e.g. after `withBalancer`). */
function topologyInputOf(scenario: Scenario): Json {
  const t = scenario.topology!;
  const services: Json = {};
  for (const svc of t.services) {
    const x: Json = services[svc.name] = { servers: svc.servers, balancer: svc.name === t.entry ? scenario.balancer : svc.balancer, work: svc.work };
    if (svc.limit) x.limit = svc.limit;
    if (svc.failures) x.failures = svc.failures;
    if (svc.health) x.health = svc.health;
  }
  const input: Json = { name: scenario.name, seed: scenario.seed, stop: scenario.stop, arrivals: scenario.arrivals, entry: t.entry, services, calls: t.calls };
  if (scenario.keys) input.keys = scenario.keys;
  if (scenario.client) input.client = scenario.client;
  if (t.entries) {
    delete input.arrivals;
    delete input.entry;
    const entries: Json = input.entries = {};
    for (const x of t.entries) {
      const e: Json = entries[x.name] = { arrivals: x.arrivals as unknown as Json };
      if (x.keys) e.keys = x.keys;
      if (x.client) e.client = x.client as unknown as Json;
    }
  }
  if (scenario.metrics) input.metrics = scenario.metrics;
  if (scenario.workflows) input.workflows = scenario.workflows as unknown as Json;
  return input;
}
