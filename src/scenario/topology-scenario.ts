/**
 * The parser of a scenario of services calling services (`services`, `calls`, `workflows`), apart
 * from a single pool's (pool-scenario.ts) so that the embeddable element loads it, and the
 * topology and workflow parsers it calls, only for a figure that shows a topology. Use
 * `parseScenario` (scenario.ts), which dispatches to it.
 */
import { ScenarioError, isObject, numberField, stringField, type Json } from '../input/check.js';
import type { ScenarioFiles } from './scenario-files.js';
import { parseClient } from './client-spec.js';
import { parseHealth } from './health-spec.js';
import { parseTopology, refuseInTopology } from './topology-spec.js';
import type { parseWorkflows } from '../workflow/workflow-spec.js';
import {
  MAX_SERVERS, finishCommon, parseArrivals, parseBalancer, parseFailures, parseKeys, parseServers, parseStop, type Scenario,
} from './pool-scenario.js';

/** Parses a topology's `workflows` (the library's parseWorkflows). */
export type WorkflowParser = typeof parseWorkflows;

/** Top-level fields of a topology (services calling services); the rest lives under `services`. */
export const TOPOLOGY_TOP = ['$schema', 'name', 'description', 'seed', 'stop', 'arrivals', 'keys', 'entry', 'services', 'calls', 'client', 'metrics', 'workflows'];

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
  const arrivals = parseArrivals(o.arrivals, files);
  if (arrivals.process === 'trace' && arrivals.costsMs) {
    // Each service's work steps say what an attempt costs there: a trace's costs would be ignored.
    const expected = 'a trace of times (and keys) without costs: in a topology each service\'s work steps give its work';
    if (isObject(o.arrivals) && o.arrivals.file !== undefined) throw new ScenarioError('arrivals.file', o.arrivals.file, expected, 'a trace with a costMs column');
    throw new ScenarioError('arrivals.costsMs', arrivals.costsMs, expected);
  }
  if (o.workflows !== undefined && !workflowParser) throw new Error('workflows: this build parses topologies without workflows (pass parseWorkflows)');
  const workflows = o.workflows !== undefined && isObject(o.services) ? workflowParser!(o.workflows, Object.keys(o.services)) : undefined;
  const topology = parseTopology(o, { servers: parseServers, balancer: parseBalancer, failures: parseFailures, health: parseHealth, maxServers: MAX_SERVERS }, files, workflows?.edges);
  const entry = topology.services.find((svc) => svc.name === topology.entry)!;
  const scenario: Scenario = {
    name: stringField(o, 'name', '', 'scenario'),
    seed: numberField(o, 'seed', '', { integer: true, min: 0, max: 2 ** 32 - 1 }, 1),
    stop: parseStop(o.stop, arrivals.process === 'trace'),
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
  if (scenario.metrics) input.metrics = scenario.metrics;
  if (scenario.workflows) input.workflows = scenario.workflows as unknown as Json;
  return input;
}
