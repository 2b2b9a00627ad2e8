/**
 * The JSON Schema against the validator: the shipped file is the generated schema; every preset,
 * example and valid corpus entry passes it; every malformed input the validator refuses for a
 * structural reason fails it; and every field the validator accepts anywhere is a field the
 * schema knows (the validator's allowed-key lists are recorded while it parses a scenario
 * that uses every field, then each key is tried against the schema at that place).
 */
import { describe, expect, it, vi } from 'vitest';
import { Ajv, type ErrorObject } from 'ajv';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  balancerNames, listBalancers, parseScenario, PRESETS, ScenarioError, DISTRIBUTIONS, ARRIVAL_PROCESSES,
  type ArrivalsInput, type DistributionInput, type FailuresInput, type ScenarioInput, type TopologyInput,
} from '../../src/index.js';
import { scenarioSchema } from '../../src/scenario/scenario-schema.js';
import { TOPOLOGY_TOP } from '../../src/scenario/scenario.js';
import type { ScenarioFiles } from '../../src/scenario/scenario-files.js';
import { main } from '../../src/cli/main.js';

/** Every object check the validator makes: where, the keys it allows, the object it saw. */
const seen = vi.hoisted(() => [] as { path: string; allowed: readonly string[]; value: Record<string, unknown> }[]);
vi.mock('../../src/input/check.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/input/check.js')>();
  return {
    ...real,
    object: (value: unknown, path: string, allowed: readonly string[]) => {
      const o = real.object(value, path, allowed);
      seen.push({ path, allowed, value: o });
      return o;
    },
  };
});

const root = join(import.meta.dirname, '../..');
const ajv = new Ajv({ allErrors: true, strictTypes: false });
const validate = ajv.compile(scenarioSchema());
const schemaErrors = (doc: unknown): ErrorObject[] => (validate(doc) ? [] : validate.errors ?? []);

/** Reads any file a scenario names as the samples 1, 2, 3 (or a trace at 0, 1, 2). */
const files: ScenarioFiles = {
  samples: () => [1, 2, 3],
  trace: () => ({ timesMs: [0, 1, 2] }),
};

const BASE = {
  name: 'schema',
  stop: { requests: 200 },
  servers: [{ count: 2 }],
  arrivals: { process: 'poisson', ratePerSec: 100 },
  service: { dist: 'exponential', meanMs: 5 },
  balancer: { name: 'round-robin' },
};
const withOver = (over: Record<string, unknown>, omit: string[] = []) => {
  const doc: Record<string, unknown> = { ...structuredClone(BASE), ...structuredClone(over) };
  for (const key of omit) delete doc[key];
  return doc;
};

describe('schema/scenario.schema.json', () => {
  it('is the schema the code generates (regenerate: lbsim schema > schema/scenario.schema.json)', () => {
    const file = readFileSync(join(root, 'schema/scenario.schema.json'), 'utf8');
    expect(file).toBe(JSON.stringify(scenarioSchema(), null, 2) + '\n');
  });

  it('is shipped in the package', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[] };
    expect(pkg.files).toContain('schema');
  });
});

describe('lbsim schema', () => {
  const cli = async (...args: string[]) => {
    let out = '', err = '';
    const code = await main(args, { out: (t) => { out += t; }, err: (t) => { err += t; }, progress: false });
    return { code, out, err };
  };

  it('prints the shipped schema', async () => {
    const r = await cli('schema');
    expect(r.code).toBe(0);
    expect(r.out).toBe(readFileSync(join(root, 'schema/scenario.schema.json'), 'utf8'));
  });

  it('takes no arguments (exit 2)', async () => {
    const r = await cli('schema', 'default');
    expect(r.code).toBe(2);
    expect(r.err).toContain('schema takes no arguments');
  });
});

describe('the schema accepts what the validator accepts', () => {
  it('every preset', () => {
    for (const [name, p] of Object.entries(PRESETS)) expect(schemaErrors(p.scenario), name).toEqual([]);
  });

  it('every examples/*.json', () => {
    const names = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.json'));
    expect(names.length).toBeGreaterThan(0);
    for (const f of names) expect(schemaErrors(JSON.parse(readFileSync(join(root, 'examples', f), 'utf8'))), f).toEqual([]);
  });

  it('every scenario that uses every field the validator allows', () => {
    for (const doc of everyField()) {
      parseScenario(doc, files);
      expect(schemaErrors(doc), JSON.stringify(doc)).toEqual([]);
    }
  });

  it('every topology that uses every field the validator allows (each kind of step, every edge field)', () => {
    for (const doc of topologyEveryField()) {
      parseScenario(doc, files);
      expect(schemaErrors(doc), JSON.stringify(doc)).toEqual([]);
    }
  });

  it('a topology with every field a service takes at its servers (limits, failures, health, adaptive LIFO) and closed-loop users', () => {
    const service = (limit: Record<string, unknown>) => ({
      servers: [{ count: 2, discipline: 'adaptive-lifo', queueTargetMs: 5, queueIntervalMs: 50 }], balancer: { name: 'round-robin' },
      work: [{ work: { dist: 'exponential', meanMs: 1 } }],
      limit,
      failures: sections().failures, health: sections().health,
    });
    const doc = {
      stop: { requests: 100 }, arrivals: { process: 'closed', clients: 3, thinkMs: { dist: 'exponential', meanMs: 10 } }, entry: 'a',
      services: {
        a: { ...service({ static: 4 }), work: [{ call: 'b' }] },
        b: service({ aimd: { initialLimit: 4, minLimit: 2, maxLimit: 8, backoffRatio: 0.8, timeoutMs: 20 } }),
      },
    };
    parseScenario(doc, files);
    expect(schemaErrors(doc)).toEqual([]);
  });
});

/** The failures and health of a pool of 2 servers, every field used (as in everyField). */
const sections = () => ({
  failures: {
    mtbfMs: 1000, mttrMs: 10, warmupMs: 5,
    outages: [{ atMs: 1, forMs: 1, servers: [0] }],
    slowdowns: [{ atMs: 1, forMs: 1, servers: [1], factor: 2 }],
    zones: [{ servers: [0, 1], mtbfMs: 1000, mttrMs: 10 }],
  },
  health: {
    intervalMs: 100, timeoutMs: 10, unhealthyThreshold: 2, healthyThreshold: 2, panicThresholdPercent: 20, slowStartMs: 100,
    outlier: { consecutiveErrors: 2, baseEjectionMs: 100, maxEjectionPercent: 50 },
  },
});

interface Entry {
  reason: string;
  expect: 'reject' | 'run';
  scenario?: unknown;
  text?: string;
  over?: Record<string, unknown>;
  omit?: string[];
  generate?: { kind: string; count?: number; depth?: number };
  base64?: string;
}

/**
 * Corpus entries the validator refuses for what a schema cannot say: relations between fields,
 * the contents of named files, bounds on nesting, and the means of failure distributions.
 */
const NOT_STRUCTURAL: Record<string, string> = {
  'ring-hash with both minRingSize (Envoy sizing) and pointsPerServer': 'options that exclude each other',
  'maglev table smaller than the pool (servers no slot names)': 'a bound that depends on the pool size',
  'JSON nested 65 deep inside description': 'a bound on nesting, checked while reading the JSON',
  'bimodal distributions nested 10 deep': 'a bound on nesting',
  'failures.timeBetween constant 0': 'the mean of a failure distribution',
  'failures.repair constant 0': 'the mean of a failure distribution',
  'failures.repair 1e-6 ms': 'the mean of a failure distribution',
  'zones[0].timeBetween with mean 1e-6 ms': 'the mean of a failure distribution',
  'zones[0].repair with mean 0.5 ms': 'the mean of a failure distribution',
  'empirical samples from /dev/zero': 'what the named file holds',
  'empirical samples from a directory': 'what the named file is',
  'empirical samples from a missing file': 'whether the named file exists',
  'a warm-up as long as the run': 'stop.warmupMs against stop.timeMs',
  'an outage of a server that does not exist': 'server ids against the pool size',
  'a story killing a server the pool does not have': 'server names against the pool size',
  'a story reviving a server it never killed': 'a story step against the steps before it',
  'a story step with two actions': 'one action per step (the schema lists every field in one object)',
  'arrival rate changes out of order': 'ascending times',
  'topology: an AIMD maxLimit below minLimit': 'maxLimit against minLimit',
  "topology: an outage of a server the service does not have (ids are the service's own)": 'server ids against the service size',
  'workflow: a transition to a state that does not exist': 'targets against the machine\'s states',
  'workflow: an action counting a counter the context does not declare': 'counter names against the context',
  'workflow: a named after delay without its distribution': 'delay names against the world\'s delays',
  'workflow: an invoke of a machine the workflow does not have': 'invoke sources against the machines',
  'workflow: a machine in a service the topology does not have': 'service names against the services',
  'topology: an entry that is no service': 'entry names against the services',
  'workflow: an invariant naming a state the machine does not have': 'state names against the machine',
  'workflow: unguarded always transitions in a loop': 'a cycle through the transitions',
  'workflow: an invoked machine without the events its attempts send': 'which machine is invoked (request is required of those only)',
  'workflow: a user event the machine does not take': 'event names against the machine',
  'workflow: an invoked machine that invokes another (one level of children only)': 'which machines invoke which (a tree of one level)',
  'workflow: the start machine invoking itself': 'invoke sources against the start machine',
  'workflow: an invoked machine in the service of the machine that invokes it (an invoke is a call between services)': 'services of the invoker and the invoked',
  'workflow: never naming a machine the workflow does not have': 'machine names against the machines',
  'workflow: a send to a machine the workflow does not have': 'machine names against the machines',
  'workflow: an in guard naming a state the other machine does not have': 'state names against the other machine',
  'workflow: an after delay of -5 ms': 'an after key is a property name (a delay in ms or a named delay)',
  'workflow: a target 5,000 characters long (the message shortens it)': "targets against the machine's states",
  'workflow: an after delay named constructor (a key every object has) without its distribution': 'delay names against the world\'s delays',
  'workflow: a machine whose initial state is final': 'the type of the state initial names',
  "workflow: an entry that is not the start machine's service (arrivals create orders, which live in orders)": 'the entry against the start machine\'s service',
  "workflow with entries: none is the start machine's service (orders)": 'the entries against the start machine\'s service',
  'topology: a call to a service that does not exist': 'service names against the services',
  'topology: a service calling itself': 'a cycle through the calls',
  'topology: calls in a cycle (a -> b -> a)': 'a cycle through the calls',
  'topology: an entry that is not a service': 'the entry against the services',
  'topology: a policy for an edge no service calls': 'edges against the steps that call',
  'topology: a parallel step needing more calls than it makes': 'need against the calls of its step',
  'topology: a chain of 65 services (calls at most 64 deep)': 'the depth of the calls',
  'topology: fan-outs multiplying to over 100,000 attempts per entry request': 'fan-outs multiplied down the tiers',
};

/** The corpus entry as a JSON document, or undefined when it is not JSON (a matter for the reader, not the schema). */
function documentOf(e: Entry): unknown {
  if ((e as { files?: unknown }).files) return undefined; // its errors are in the CSV files it names
  if (e.base64 !== undefined) return undefined;
  if (e.text !== undefined) {
    try {
      return JSON.parse(e.text.replace(/^\uFEFF/, ''));
    } catch {
      return undefined;
    }
  }
  if ('scenario' in e) return e.scenario;
  const doc = withOver(e.over ?? {}, e.omit);
  switch (e.generate?.kind) {
    case undefined:
      return doc;
    case 'servers':
      return { ...doc, servers: Array.from({ length: e.generate.count! }, () => ({})) };
    case 'samples':
      return { ...doc, service: { dist: 'empirical', samplesMs: new Array(e.generate.count!).fill(1) } };
    case 'bimodal': {
      let dist: unknown = { dist: 'constant', valueMs: 1 };
      for (let i = 0; i < e.generate.depth!; i++) dist = { dist: 'bimodal', p: 0.5, a: dist, b: { dist: 'constant', valueMs: 2 } };
      return { ...doc, service: dist };
    }
    default:
      return undefined; // nesting-depth documents: the JSON reader's bound
  }
}

describe('the schema refuses what the validator refuses for a structural reason', () => {
  const corpus = JSON.parse(readFileSync(join(root, 'test/scenario/fuzz-corpus.json'), 'utf8')) as Entry[];

  it('every malformed entry of the fuzz corpus, but those listed with the reason a schema cannot see it', () => {
    const reasons = new Set(corpus.map((e) => e.reason));
    for (const reason of Object.keys(NOT_STRUCTURAL)) expect(reasons.has(reason), `NOT_STRUCTURAL names "${reason}"`).toBe(true);
    let checked = 0;
    for (const e of corpus) {
      const doc = documentOf(e);
      if (e.expect !== 'reject' || doc === undefined || NOT_STRUCTURAL[e.reason]) continue;
      expect(validate(doc), `corpus: ${e.reason}`).toBe(false);
      checked++;
    }
    expect(checked).toBeGreaterThan(30);
  });

  it('every valid entry of the fuzz corpus passes it', () => {
    for (const e of corpus) {
      const doc = documentOf(e);
      if (e.expect === 'run' && doc !== undefined) expect(schemaErrors(doc), `corpus: ${e.reason}`).toEqual([]);
    }
  });

  it.each([
    ['an unknown distribution field', { service: { dist: 'exponential', meanMs: 1, mean: 1 } }],
    ['a misplaced distribution field', { service: { dist: 'constant', meanMs: 1 } }],
    ['lognormal by median and by mu at once', { service: { dist: 'lognormal', medianMs: 1, p99Ms: 5, mu: 0 } }],
    ['a missing distribution field', { service: { dist: 'gamma', meanMs: 1 } }],
    ['empirical samples and a column without a file', { service: { dist: 'empirical', samplesMs: [1], column: 'ms' } }],
    ['an unknown arrival field', { arrivals: { process: 'poisson', ratePerSecond: 100 } }],
    ['a rate of zero', { arrivals: { process: 'constant', ratePerSec: 0 } }],
    ['an on-off process without offMs', { arrivals: { process: 'on-off', ratePerSec: 1, onMs: 1 } }],
    ['a closed loop without think time', { arrivals: { process: 'closed', clients: 2 } }],
    ['an unknown balancer option', { balancer: { name: 'round-robin', choices: 2 } }],
    ['an option of another policy', { balancer: { name: 'p2c', epsilon: 0.5 } }],
    ['decayMs with the outstanding metric', { balancer: { name: 'power-of-two', decayMs: 100 } }],
    ['a balancer option out of range', { balancer: { name: 'power-of-two', choices: 65 } }],
    ['an unknown JSQ tie rule', { balancer: { name: 'jsq', ties: 'highest-id' } }],
    ['a queue target without adaptive LIFO', { servers: [{ count: 1, queueTargetMs: 5 }] }],
    ['an unknown discipline', { servers: [{ discipline: 'random' }] }],
    ['a stop without requests or time', { stop: { warmupMs: 10 } }],
    ['maxInFlight of 0', { stop: { requests: 10, maxInFlight: 0 } }],
    ['a check threshold without intervalMs', { health: { unhealthyThreshold: 2 } }],
    ['an outlier field misspelt', { health: { outlier: { consecutiveErrorz: 2 } } }],
    ['retries without max', { client: { retries: { baseMs: 10 } } }],
    ['a hedge with neither afterMs nor percentile', { client: { hedge: { max: 2 } } }],
    ['an unknown jitter', { client: { retries: { max: 1, jitter: 'some' } } }],
    ['random failures without a repair time', { failures: { mtbfMs: 1000 } }],
    ['mtbfMs and timeBetween together', { failures: { mtbfMs: 1000, timeBetween: { dist: 'exponential', meanMs: 1000 }, mttrMs: 10 } }],
    ['a zone without a repair time', { failures: { zones: [{ servers: [0], mtbfMs: 1000 }] } }],
    ['stale reports with load "own"', { view: { load: 'own', refreshMs: 100 } }],
    ['zipf keys without an exponent', { keys: { dist: 'zipf', count: 10 } }],
    ['a fleet without a count', { fleet: { assign: 'random' } }],
    ['five significant digits', { metrics: { significantDigits: 5 } }],
    ['an unknown serviceScope', { serviceScope: 'server' }],
  ])('%s', (_label, over) => {
    const doc = withOver(over);
    expect(() => parseScenario(doc, files)).toThrow(ScenarioError);
    expect(validate(doc)).toBe(false);
  });
});

/**
 * Scenarios that, between them, give every field the validator allows (checked below): every
 * distribution, arrival process and balancer with all of its options, every section. Typed as
 * ScenarioInput, so a field the validator accepts and the type lacks does not compile.
 */
function everyField(): Record<string, unknown>[] {
  const typed = (over: Partial<ScenarioInput>, omit: string[] = []) => withOver(over, omit);
  const dists: DistributionInput[] = [
    { dist: 'constant', valueMs: 1 },
    { dist: 'uniform', minMs: 1, maxMs: 2 },
    { dist: 'exponential', meanMs: 1 },
    { dist: 'lognormal', medianMs: 1, p99Ms: 5 },
    { dist: 'lognormal', mu: 0, sigma: 1 },
    { dist: 'pareto', alpha: 2, minMs: 1, maxMs: 10 },
    { dist: 'weibull', shape: 2, scaleMs: 1 },
    { dist: 'gamma', shape: 2, meanMs: 1 },
    { dist: 'bimodal', p: 0.5, a: { dist: 'constant', valueMs: 1 }, b: { dist: 'exponential', meanMs: 2 } },
    { dist: 'empirical', samplesMs: [1, 2] },
    { dist: 'empirical', file: 'samples.csv', column: 'ms' },
  ];
  const arrivals: ArrivalsInput[] = [
    { process: 'poisson', ratePerSec: 100, changes: [{ atMs: 5, ratePerSec: 50 }] },
    { process: 'constant', ratePerSec: 100 },
    { process: 'on-off', ratePerSec: 100, offRatePerSec: 1, onMs: 10, offMs: 10 },
    { process: 'ramp', fromPerSec: 0, toPerSec: 100, overMs: 100 },
    { process: 'trace', timesMs: [0, 1, 2], costsMs: [1, 1, 1], keys: [1, 2, 3] },
    { process: 'trace', file: 'trace.csv' },
    { process: 'closed', clients: 3, thinkMs: { dist: 'exponential', meanMs: 10 } },
  ];
  const options: Record<string, Record<string, unknown>[]> = {
    'least-connections': [{ weighted: true }],
    'power-of-two': [{ choices: 3, metric: 'peak-ewma', decayMs: 100, observeErrors: true }],
    'join-shortest-queue': [{ ties: 'lowest-id' }],
    'least-request-weighted': [{ bias: 1, choices: 2 }],
    'join-idle-queue': [{ idleQueueSize: 2 }],
    'peak-ewma': [{ decayMs: 100, observeErrors: true }],
    'dynamic-weighted-round-robin': [{ range: 3, window: 3 }],
    'least-time': [{ decayMs: 100, observeErrors: true }],
    'ring-hash': [{ minRingSize: 16 }, { pointsPerServer: 40, maxRingSize: 1000 }],
    maglev: [{ tableSize: 17 }],
    'bounded-load-hash': [{ epsilon: 0.5, minRingSize: 16 }],
    first: [{ maxConn: 2 }],
  };
  const sections: Partial<ScenarioInput> = {
    $schema: './node_modules/lbsim/schema/scenario.schema.json',
    description: 'every section',
    seed: 3,
    stop: { requests: 100, timeMs: 1000, warmupMs: 10, maxEvents: 1e6, maxInFlight: 1000 },
    servers: [
      { name: 'a', count: 2, concurrency: 2, speed: 1.5, weight: 2, queueLimit: 5, discipline: 'lifo' },
      { count: 1, discipline: 'adaptive-lifo', queueTargetMs: 5, queueIntervalMs: 100 },
    ],
    serviceScope: 'attempt',
    keys: { dist: 'zipf', count: 100, exponent: 1 },
    fleet: { count: 2, assign: 'random' },
    view: { load: 'reported', refreshMs: 10 },
    failures: {
      mtbfMs: 1000, mttrMs: 10, warmupMs: 5,
      outages: [{ atMs: 1, forMs: 1, servers: [0] }],
      slowdowns: [{ atMs: 1, forMs: 1, servers: [1], factor: 2 }],
      zones: [{ servers: [0, 1], mtbfMs: 1000, mttrMs: 10 }, { servers: [2], timeBetween: { dist: 'constant', valueMs: 1000 }, repair: { dist: 'constant', valueMs: 10 } }],
    },
    health: {
      intervalMs: 100, timeoutMs: 10, unhealthyThreshold: 2, healthyThreshold: 2, panicThresholdPercent: 20, slowStartMs: 100,
      outlier: { consecutiveErrors: 2, baseEjectionMs: 100, maxEjectionPercent: 50 },
    },
    client: {
      timeoutMs: 100, deadlineMs: 300, connectTimeoutMs: 5, cancel: true,
      retries: { max: 2, baseMs: 10, capMs: 100, jitter: 'equal', budget: { ratio: 0.2, minPerSec: 5, burst: 10 } },
      hedge: { afterMs: 10, percentile: 95, max: 2 },
    },
    metrics: { significantDigits: 2 },
    story: [{ atMs: 1, kill: 'S1', caption: 'down' }, { atMs: 2, revive: 'S1' }, { atMs: 3, slow: 'S2', factor: 2, forMs: 5 }, { atMs: 4, rate: 50 }],
  };
  const altFailures: FailuresInput = { timeBetween: { dist: 'exponential', meanMs: 1000 }, repair: { dist: 'exponential', meanMs: 10 } };
  return [
    typed(sections),
    typed({ failures: altFailures }),
    ...dists.map((service) => typed({ service })),
    ...arrivals.map((a) => typed({ arrivals: a }, a.process === 'trace' ? ['stop'] : [])),
    ...balancerNames().flatMap((name) => (options[name] ?? [{}]).map((o) => typed({ balancer: { name, ...o } }))),
  ];
}

/**
 * Topologies that, between them, give every field the validator allows in a topology: the top
 * level, each service's fields, each kind of handler step with all its options, every field of
 * an edge's policy (`calls["a->b"]`, connectTimeoutMs 0 being the only one a topology takes), the
 * breaker, both kinds of limit. Typed as TopologyInput, so a field the validator accepts and the
 * type lacks does not compile.
 */
function topologyEveryField(): Record<string, unknown>[] {
  const { failures, health } = sections();
  const exp = { dist: 'exponential' as const, meanMs: 1 };
  const doc: TopologyInput = {
    $schema: './node_modules/lbsim/schema/scenario.schema.json',
    name: 'topology', description: 'every topology field', seed: 3,
    stop: { requests: 100, timeMs: 1000, warmupMs: 10, maxEvents: 1e6, maxInFlight: 1000 },
    arrivals: { process: 'poisson', ratePerSec: 100 },
    keys: { dist: 'zipf', count: 100, exponent: 1 },
    entry: 'a',
    services: {
      a: {
        servers: [{ name: 'a', count: 2, concurrency: 2, speed: 1.5, weight: 2, queueLimit: 5, discipline: 'lifo' }],
        balancer: { name: 'ring-hash', minRingSize: 16 },
        work: [{ work: exp }, { fail: 0.1 }, { call: 'b', p: 0.5, hold: false, fallback: true }, { parallel: ['b', 'c'], need: 1, p: 0.9, hold: true, fallback: false }],
        limit: { static: 4 }, failures, health,
      },
      b: {
        servers: [{ count: 2, discipline: 'adaptive-lifo', queueTargetMs: 5, queueIntervalMs: 50 }], balancer: { name: 'round-robin' },
        work: [{ call: 'c' }, { parallel: ['c'], need: 'any' }],
        limit: { aimd: { initialLimit: 4, minLimit: 2, maxLimit: 8, backoffRatio: 0.8, timeoutMs: 20 } },
      },
      c: { servers: [{ count: 1 }], balancer: { name: 'power-of-two', choices: 2 }, work: [{ work: { dist: 'lognormal', medianMs: 1, p99Ms: 5 } }] },
    },
    calls: {
      'a->b': {
        timeoutMs: 50, deadlineMs: 200, cancel: true,
        retries: { max: 2, baseMs: 10, capMs: 100, jitter: 'equal', budget: { ratio: 0.2, minPerSec: 5, burst: 10 } },
        hedge: { afterMs: 10, percentile: 95, max: 2 },
        breaker: { window: 20, minCalls: 10, failureRatePercent: 50, openMs: 100, halfOpenCalls: 2 },
        maxConcurrent: 10, latencyMs: { dist: 'constant', valueMs: 0.5 }, loss: 0.01,
      },
      'b->c': { timeoutMs: 20 },
    },
    client: { timeoutMs: 100, deadlineMs: 300, cancel: true, retries: { max: 2 }, hedge: { afterMs: 10 } },
    metrics: { significantDigits: 2 },
  };
  // connectTimeoutMs: the validator takes the client's fields on every edge and refuses any but 0
  // (the types leave it out of a topology).
  const out = structuredClone(doc) as unknown as { calls: Record<string, Record<string, unknown>>; client: Record<string, unknown> };
  out.calls['a->b'].connectTimeoutMs = 0;
  out.client.connectTimeoutMs = 0;
  // The breaker's time-based window (its fields exclude the count-based window's).
  const timed = structuredClone(out);
  timed.calls['a->b'].breaker = { windowType: 'time', windowMs: 2000, minCalls: 10, failureRatePercent: 50, openMs: 100, halfOpenCalls: 2 };
  return [out as unknown as Record<string, unknown>, timed as unknown as Record<string, unknown>];
}

describe('the schema knows every field the validator accepts', () => {
  /** The JSON pointer of a validator path: "servers[0].speed" → "/servers/0/speed". */
  const pointer = (path: string) => (path === '' ? '' : '/' + path.replace(/\["([^"]*)"\]/g, '.$1').replace(/\[(\d+)\]/g, '.$1').split('.').join('/'));
  const at = (doc: unknown, ptr: string) => ptr.split('/').slice(1).reduce((o: any, k) => o[k], doc) as Record<string, unknown>;

  /** Parses each scenario, keeping the object checks it made. */
  function recorded() {
    const out: { doc: Record<string, unknown>; path: string; allowed: readonly string[]; value: Record<string, unknown> }[] = [];
    for (const doc of [...everyField(), ...topologyEveryField()]) {
      seen.length = 0;
      parseScenario(doc, files);
      for (const s of seen) out.push({ doc, ...s });
    }
    return out;
  }

  it('the scenarios above use every field of every object the validator checks', () => {
    const records = recorded();
    const used = new Map<string, Set<string>>();
    for (const r of records) {
      const key = JSON.stringify(r.allowed);
      const set = used.get(key) ?? new Set<string>();
      for (const k of Object.keys(r.value)) set.add(k);
      used.set(key, set);
    }
    for (const [key, set] of used) expect([...set].sort(), key).toEqual([...(JSON.parse(key) as string[])].sort());
    // And every distribution, arrival process and balancer is among them.
    const values = (path: string, field: string) => new Set(records.filter((r) => r.path === path).map((r) => r.value[field]));
    expect([...values('service', 'dist')].sort()).toEqual([...DISTRIBUTIONS].sort());
    expect([...values('arrivals', 'process')].sort()).toEqual([...ARRIVAL_PROCESSES, 'closed'].sort());
    expect(records.filter((r) => r.path === 'balancer').length).toBeGreaterThanOrEqual(balancerNames().length);
  });

  it('each allowed field, added where the validator allows it, is no unknown field to the schema; any other field is', () => {
    for (const r of recorded()) {
      const ptr = pointer(r.path);
      const unknownTo = (key: string) => {
        const doc = structuredClone(r.doc);
        at(doc, ptr)[key] = null;
        return schemaErrors(doc).some((e) => e.keyword === 'additionalProperties' && e.instancePath === ptr && e.params.additionalProperty === key);
      };
      for (const key of r.allowed) if (!(key in r.value)) expect(unknownTo(key), `${r.path || '(root)'}.${key}`).toBe(false);
      expect(unknownTo('notAField'), `${r.path || '(root)'}.notAField`).toBe(true);
    }
  });

  it('each top-level field of a topology (checked by the validator without object()) is known to the schema there; any other is not', () => {
    const doc = topologyEveryField()[0];
    const unknownTo = (key: string) => {
      const d = structuredClone(doc);
      d[key] = null;
      return schemaErrors(d).some((e) => e.keyword === 'additionalProperties' && e.instancePath === '' && e.params.additionalProperty === key);
    };
    for (const key of TOPOLOGY_TOP) expect(unknownTo(key), key).toBe(false);
    expect(unknownTo('notAField')).toBe(true);
    expect(unknownTo('servers')).toBe(true); // the entry's, in a topology: services.<name>.servers
  });

  it('every built-in balancer has a spec for each of its options, so the schema knows their kinds and ranges', () => {
    const balancer = (scenarioSchema().else as { properties: unknown }).properties as Record<string, { allOf: { if: { properties: { name: { enum?: string[]; const?: string } } }; then: { properties: Record<string, object> } }[] }>;
    for (const info of listBalancers()) {
      expect(Object.keys(info.optionSpec ?? {}).sort(), info.name).toEqual([...info.options].sort());
      const branch = balancer.balancer.allOf.find((b) => (b.if.properties.name.enum ?? [b.if.properties.name.const]).includes(info.name));
      for (const o of info.options) expect(Object.keys(branch!.then.properties[o]), `${info.name}.${o}`).toContain('description');
    }
  });
});
