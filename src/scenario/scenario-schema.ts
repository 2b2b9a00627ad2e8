/**
 * The JSON Schema (draft-07) of scenario files, for editors: `"$schema"` in a scenario file gives
 * completion and checks as you type. Built from the validator's own lists and bounds (field
 * names, distributions, arrival processes, disciplines, jitters, the registered balancers and
 * their option specs, MAX_* constants); `lbsim schema` prints it and schema/scenario.schema.json ships
 * it. The validator stays the authority: the schema rejects every structural error (unknown
 * field, wrong type, out of range, missing field) but not relations between fields (a maxMs
 * above minMs, ascending trace times, server ids below the pool size, a warm-up shorter than
 * the run, means of failure distributions) nor file contents. Tests hold the two together.
 */
import { listBalancers, type BalancerInfo } from '../balancers/index.js';
import type { OptionRule } from '../balancers/options.js';
import { MAX_STRING_LENGTH, type NumberRule } from '../input/check.js';
import { HISTOGRAM_DIGITS } from '../metrics/histogram.js';
import { ARRIVAL_PROCESSES } from '../model/arrivals.js';
import { JITTERS } from '../model/client.js';
import { BREAKER_WINDOW_TYPES } from '../model/circuit-breaker.js';
import { DISCIPLINES } from '../model/server-pool.js';
import { DISTRIBUTIONS, type DistributionName } from '../random/distributions.js';
import { MAX_CLIENT_MS } from './client-spec.js';
import { MAX_DISTRIBUTION_DEPTH, MAX_DISTRIBUTION_MS, MAX_EMPIRICAL_SAMPLES, MAX_LOGNORMAL_MU } from './distribution-spec.js';
import { FOREVER_MS, MAX_CAPTION, MAX_STEPS } from './story.js';
import { workflowDefinitions, workflowsSchema } from '../workflow/workflow-schema.js';
import { MAX_IN_FLIGHT, MAX_REQUESTS, MAX_SERVERS, MAX_TRACE_ARRIVALS, MAX_TRACE_TIME_MS, MIN_FAILURE_MEAN_MS } from './scenario.js';

/** A JSON Schema node (plain JSON). */
export type JsonSchema = { [keyword: string]: unknown };

/** A number (or integer) obeying a validator rule. */
function num(rule: NumberRule = {}, description?: string): JsonSchema {
  const s: JsonSchema = { type: rule.integer ? 'integer' : 'number' };
  if (rule.min !== undefined) s.minimum = rule.min;
  if (rule.above !== undefined) s.exclusiveMinimum = rule.above;
  if (rule.max !== undefined) s.maximum = rule.max;
  if (description) s.description = description;
  return s;
}

const ms = (rule: NumberRule, description?: string) => num(rule, description);
const POSITIVE: NumberRule = { above: 0 };
/** A client's or an edge's delay (timeouts, backoff, hedge, breaker open time). */
const CLIENT_POSITIVE: NumberRule = { above: 0, max: MAX_CLIENT_MS };
/** A distribution's durations (and failure means, client-like AIMD timeout): at most 1e12 ms, as the parser's MAX_DISTRIBUTION_MS. */
const DIST_MS: NumberRule = { min: 0, max: MAX_DISTRIBUTION_MS };
const DIST_POSITIVE: NumberRule = { above: 0, max: MAX_DISTRIBUTION_MS };
const INT31: NumberRule = { integer: true, min: 0, max: 2 ** 31 - 1 };
// Names may hold any character (the CLI prints control characters as '?'), as the validator allows.
const text: JsonSchema = { type: 'string', minLength: 1, maxLength: MAX_STRING_LENGTH };
const enumOf = (values: readonly string[], description?: string): JsonSchema => (description ? { enum: [...values], description } : { enum: [...values] });
const numbers = (rule: NumberRule, maxItems: number, description?: string): JsonSchema =>
  ({ type: 'array', items: num(rule), minItems: 1, maxItems, ...(description ? { description } : {}) });

/** An object with exactly these properties (`required` among them). */
function closed(properties: Record<string, JsonSchema>, required: string[] = [], extra: JsonSchema = {}): JsonSchema {
  return { type: 'object', properties, required, additionalProperties: false, ...extra };
}

/** `then` applies when `key` is one of `values` (the field may be absent only if `absentToo`). */
function when(key: string, values: readonly string[], then: JsonSchema, absentToo = false): JsonSchema {
  const cond: JsonSchema = { properties: { [key]: values.length === 1 ? { const: values[0] } : { enum: [...values] } } };
  if (!absentToo) cond.required = [key];
  return { if: cond, then };
}

const none = (...keys: string[]): JsonSchema => ({ not: { anyOf: keys.map((k) => ({ required: [k] })) } });

/** Each distribution's fields (the validator's `FIELDS`), with their rules. */
function distributionVariants(): Record<DistributionName, JsonSchema> {
  const ref = { $ref: '#/definitions/distribution' };
  return {
    constant: closed({ valueMs: ms(DIST_MS) }, ['valueMs']),
    uniform: closed({ minMs: ms(DIST_MS), maxMs: ms(DIST_POSITIVE, 'above minMs') }, ['minMs', 'maxMs']),
    exponential: closed({ meanMs: ms(DIST_POSITIVE) }, ['meanMs']),
    lognormal: closed(
      { medianMs: ms(DIST_POSITIVE), p99Ms: ms(DIST_POSITIVE, 'the 99th percentile, above medianMs'), mu: num({ max: MAX_LOGNORMAL_MU }, 'mean of ln(ms), at most ln(1e12)'), sigma: num({ min: 0 }, 'standard deviation of ln(ms)') },
      [],
      { oneOf: [{ required: ['medianMs', 'p99Ms'], ...none('mu', 'sigma') }, { required: ['mu', 'sigma'], ...none('medianMs', 'p99Ms') }] },
    ),
    pareto: closed({ alpha: num(POSITIVE), minMs: ms(DIST_POSITIVE), maxMs: ms(DIST_POSITIVE, 'above minMs: a bounded Pareto') }, ['alpha', 'minMs']),
    weibull: closed({ shape: num(POSITIVE), scaleMs: ms(DIST_POSITIVE) }, ['shape', 'scaleMs']),
    gamma: closed({ shape: num(POSITIVE, 'an integer shape is an Erlang'), meanMs: ms(DIST_POSITIVE) }, ['shape', 'meanMs']),
    bimodal: closed(
      { p: num({ min: 0, max: 1 }, 'probability of a'), a: ref, b: ref },
      ['p', 'a', 'b'],
      { description: `a with probability p, else b (at most ${MAX_DISTRIBUTION_DEPTH} nested levels)` },
    ),
    empirical: closed(
      {
        samplesMs: numbers(DIST_MS, MAX_EMPIRICAL_SAMPLES, 'measured samples, each drawn with probability 1/length'),
        file: { ...text, description: 'a CSV file of samples with a header, relative to the scenario file' },
        column: { ...text, description: 'the column of the file (may be left out when it has one)' },
      },
      [],
      { oneOf: [{ required: ['samplesMs'], ...none('file', 'column') }, { required: ['file'], ...none('samplesMs') }] },
    ),
  };
}

/** `dist` picks the variant; every variant lists `dist` too, since it is closed. */
function distribution(): JsonSchema {
  const variants = distributionVariants();
  return {
    type: 'object',
    description: 'a distribution of durations in ms, chosen by "dist"',
    required: ['dist'],
    properties: { dist: enumOf(DISTRIBUTIONS) },
    allOf: DISTRIBUTIONS.map((d) => {
      const v = variants[d];
      return when('dist', [d], { ...v, properties: { dist: { const: d }, ...(v.properties as object) } });
    }),
  };
}

/** `arrivals.changes`: rate steps (a story's `rate`), ascending in time. */
function rateChanges(): JsonSchema {
  return {
    type: 'array',
    description: 'from atMs on, the rate is ratePerSec (ascending times; a story compiles its rate steps here)',
    items: closed({ atMs: ms({ min: 0 }), ratePerSec: num({ min: 0, max: 1e9 }, 'arrivals per second (0 pauses them)') }, ['atMs', 'ratePerSec']),
  };
}

/**
 * `story`: steps in simulated time (story.ts). One closed object with every field; the schema
 * asks for an action or a caption, and "slow" with its factor; one action per step and server
 * names within the pool are the validator's.
 */
function story(): JsonSchema {
  const server = { type: 'string', pattern: '^\\s*[Ss][1-9][0-9]*\\s*$', description: 'a server as drawn: "S1" is server id 0' };
  return {
    type: 'array',
    maxItems: MAX_STEPS,
    description: 'a scripted story, compiled into failures.outages, failures.slowdowns and arrivals.changes',
    items: closed(
      {
        atMs: ms({ min: 0, max: FOREVER_MS }, 'simulated time of the step'),
        caption: { type: 'string', minLength: 1, maxLength: MAX_CAPTION, description: 'shown from atMs until the next caption' },
        kill: server,
        revive: server,
        slow: server,
        factor: num({ min: 1, max: 1e6 }, 'slow: divides the server\'s speed'),
        forMs: ms({ above: 0, max: FOREVER_MS }, 'slow: how long (default: for good)'),
        rate: num({ min: 0, max: 1e9 }, 'arrivals per second from atMs on'),
      },
      ['atMs'],
      {
        anyOf: ['kill', 'revive', 'slow', 'rate', 'caption'].map((k) => ({ required: [k] })),
        dependencies: { slow: ['factor'], factor: ['slow'], forMs: ['slow'] },
      },
    ),
  };
}

function arrivals(): JsonSchema {
  const rate = num({ above: 0, max: 1e9 }, 'arrivals per second');
  const processes: Record<(typeof ARRIVAL_PROCESSES)[number] | 'closed', JsonSchema> = {
    poisson: closed({ ratePerSec: rate, changes: rateChanges() }, ['ratePerSec']),
    constant: closed({ ratePerSec: rate, changes: rateChanges() }, ['ratePerSec']),
    'on-off': closed(
      { ratePerSec: rate, offRatePerSec: num({ min: 0, max: 1e9 }, 'rate while off (default 0)'), onMs: ms(POSITIVE), offMs: ms(POSITIVE) },
      ['ratePerSec', 'onMs', 'offMs'],
    ),
    ramp: closed(
      { fromPerSec: num({ min: 0, max: 1e9 }), toPerSec: num({ min: 0, max: 1e9 }), overMs: ms(POSITIVE) },
      ['fromPerSec', 'toPerSec', 'overMs'],
      { description: 'a linear ramp of the rate; one end must be positive' },
    ),
    trace: closed(
      {
        timesMs: numbers({ min: 0, max: MAX_TRACE_TIME_MS }, MAX_TRACE_ARRIVALS, 'arrival times, ascending'),
        costsMs: numbers({ min: 0 }, MAX_TRACE_ARRIVALS, 'each arrival\'s cost at speed 1, one per time'),
        keys: numbers(INT31, MAX_TRACE_ARRIVALS, 'each arrival\'s key, one per time'),
        file: { ...text, description: 'a CSV file with header timeMs[,costMs][,key], relative to the scenario file' },
      },
      [],
      { oneOf: [{ required: ['timesMs'], ...none('file') }, { required: ['file'], ...none('timesMs', 'costsMs', 'keys') }] },
    ),
    closed: closed(
      { clients: num({ integer: true, min: 1, max: 10_000_000 }), thinkMs: { $ref: '#/definitions/distribution' } },
      ['clients', 'thinkMs'],
      { description: 'closed loop: each client waits for its answer, then thinks' },
    ),
  };
  const names = [...ARRIVAL_PROCESSES, 'closed'] as const;
  return {
    type: 'object',
    required: ['process'],
    properties: { process: enumOf(names) },
    allOf: names.map((p) => {
      const v = processes[p];
      return when('process', [p], { ...v, properties: { process: { const: p }, ...(v.properties as object) } });
    }),
  };
}

/** One option of a policy, from the spec its factory validates with (balancers/options.ts). */
function option(rule: OptionRule): JsonSchema {
  const description = rule.note !== undefined ? `default ${rule.note}` : rule.default !== undefined ? `default ${JSON.stringify(rule.default)}` : undefined;
  const s: JsonSchema = rule.type === 'number' ? num(rule) : rule.type === 'boolean' ? { type: 'boolean' } : enumOf(rule.values);
  if (description) s.description = description;
  return s;
}

/** A policy's options: from its spec, or (a policy registered without one) its option names. */
function balancerOptions(info: BalancerInfo): Record<string, JsonSchema> {
  const spec = info.optionSpec;
  return Object.fromEntries(info.options.map((o) => [o, spec?.[o] ? option(spec[o]) : {}]));
}

function balancer(): JsonSchema {
  const infos = listBalancers();
  const names = infos.flatMap((b) => [b.name, ...(b.aliases ?? [])]);
  return {
    type: 'object',
    description: 'the policy and its options',
    required: ['name'],
    properties: { name: enumOf(names) },
    allOf: infos.map((b) => {
      const then = closed({ name: { type: 'string' }, ...balancerOptions(b) });
      if (b.name === 'power-of-two') then.allOf = [when('metric', ['outstanding'], none('decayMs', 'observeErrors'), true)];
      return when('name', [b.name, ...(b.aliases ?? [])], then);
    }),
  };
}

/** Random failures by mean (exponential) or by distribution, one or the other. */
function rates(): Record<string, JsonSchema> {
  const ref = { $ref: '#/definitions/distribution' };
  return {
    mtbfMs: ms({ min: MIN_FAILURE_MEAN_MS, max: MAX_DISTRIBUTION_MS }, 'mean up-time between failures (exponential)'),
    mttrMs: ms({ min: MIN_FAILURE_MEAN_MS, max: MAX_DISTRIBUTION_MS }, 'mean time to repair (exponential)'),
    timeBetween: { ...ref, description: `up-time between failures (mean >= ${MIN_FAILURE_MEAN_MS} ms)` },
    repair: { ...ref, description: `repair time (mean >= ${MIN_FAILURE_MEAN_MS} ms)` },
  };
}

function failures(): JsonSchema {
  const ids = { type: 'array', items: num({ integer: true, min: 0 }), minItems: 1, description: 'server ids (0-based, in group order)' };
  const window = { atMs: ms({ min: 0 }), forMs: ms(POSITIVE) };
  const either = (a: string, b: string) => ({ not: { required: [a, b] } });
  const needsRepair = { anyOf: [{ required: ['mttrMs'] }, { required: ['repair'] }] };
  return closed(
    {
      ...rates(),
      warmupMs: ms({ min: 0 }, 'after a repair, speed ramps from 10% to 100% over this time'),
      outages: { type: 'array', items: closed({ ...window, servers: ids }, ['atMs', 'forMs', 'servers']) },
      slowdowns: { type: 'array', items: closed({ ...window, servers: ids, factor: num({ min: 1, max: 1e6 }) }, ['atMs', 'forMs', 'servers', 'factor']) },
      zones: {
        type: 'array',
        items: closed({ servers: ids, ...rates() }, ['servers'], {
          allOf: [{ oneOf: [{ required: ['mtbfMs'] }, { required: ['timeBetween'] }] }, { oneOf: [{ required: ['mttrMs'] }, { required: ['repair'] }] }],
        }),
      },
    },
    [],
    { allOf: [either('mtbfMs', 'timeBetween'), either('mttrMs', 'repair')], dependencies: { mtbfMs: needsRepair, timeBetween: needsRepair } },
  );
}

function health(): JsonSchema {
  return closed(
    {
      intervalMs: ms(POSITIVE, 'active checks every intervalMs'),
      timeoutMs: ms({ min: 0 }, 'default 1000'),
      unhealthyThreshold: num({ integer: true, min: 1, max: 1000 }, 'default 3'),
      healthyThreshold: num({ integer: true, min: 1, max: 1000 }, 'default 2'),
      outlier: closed({
        consecutiveErrors: num({ integer: true, min: 1, max: 1000 }, 'default 5'),
        baseEjectionMs: ms(POSITIVE, 'default 30000'),
        maxEjectionPercent: num({ min: 0, max: 100 }, 'default 10'),
      }),
      panicThresholdPercent: num({ min: 0, max: 100 }, 'default 50'),
      slowStartMs: ms(POSITIVE),
    },
    [],
    { dependencies: { timeoutMs: ['intervalMs'], unhealthyThreshold: ['intervalMs'], healthyThreshold: ['intervalMs'] } },
  );
}

function client(): JsonSchema {
  return closed({
    timeoutMs: ms(CLIENT_POSITIVE, 'per attempt'),
    deadlineMs: ms(CLIENT_POSITIVE, 'overall'),
    connectTimeoutMs: ms({ min: 0, max: MAX_CLIENT_MS }, 'default 0: a server that is down refuses at once'),
    cancel: { type: 'boolean', description: 'withdraw work the client gave up on (default false)' },
    retries: closed(
      {
        max: num({ integer: true, min: 0, max: 100 }),
        baseMs: ms({ min: 0, max: MAX_CLIENT_MS }, 'default 50'),
        capMs: ms({ min: 0, max: MAX_CLIENT_MS }, 'at least baseMs; default max(baseMs, 10000)'),
        jitter: enumOf(JITTERS, 'default "full"'),
        budget: closed({ ratio: num({ min: 0, max: 100 }, 'default 0.2'), minPerSec: num({ min: 0 }, 'default 10'), burst: num({ min: 1 }, 'default 100') }),
      },
      ['max'],
    ),
    hedge: closed(
      { afterMs: ms(CLIENT_POSITIVE), percentile: num({ above: 0, max: 99.99 }), max: num({ integer: true, min: 1, max: 10 }, 'default 1') },
      [],
      { anyOf: [{ required: ['afterMs'] }, { required: ['percentile'] }] },
    ),
  });
}

function servers(): JsonSchema {
  const group = closed(
    {
      name: text,
      count: num({ integer: true, min: 1, max: MAX_SERVERS }, 'default 1'),
      concurrency: num({ integer: true, min: 1, max: 1_000_000 }, 'slots served in parallel (default 1)'),
      speed: num({ above: 0, max: 1e6 }, 'a request of cost c takes c / speed ms (default 1)'),
      weight: num({ min: 0, max: 1e6 }, 'default 1'),
      queueLimit: num(INT31, 'waiting room; absent = unbounded, 0 = none'),
      discipline: enumOf(DISCIPLINES, 'default "fifo"'),
      queueTargetMs: ms(POSITIVE, 'adaptive-lifo only (default 5)'),
      queueIntervalMs: ms(POSITIVE, 'adaptive-lifo only (default 100)'),
    },
    [],
    {
      dependencies: Object.fromEntries(['queueTargetMs', 'queueIntervalMs'].map((k) => [k, { required: ['discipline'], properties: { discipline: { const: 'adaptive-lifo' } } }])),
    },
  );
  return { type: 'array', items: group, minItems: 1, maxItems: MAX_SERVERS, description: 'server groups; ids are assigned in order' };
}

const TRACE = { properties: { arrivals: { properties: { process: { const: 'trace' } }, required: ['process'] } }, required: ['arrivals'] };
const STOP_REQUIRED = { if: TRACE, else: { required: ['stop'], properties: { stop: { anyOf: [{ required: ['requests'] }, { required: ['timeMs'] }] } } } };

function stop(): JsonSchema {
  return closed(
    {
      requests: num({ integer: true, min: 1, max: MAX_REQUESTS }, 'arrivals, warm-up included'),
      timeMs: ms(POSITIVE, 'simulated time'),
      warmupMs: ms({ min: 0 }, 'requests arriving before it are not measured'),
      maxEvents: num({ integer: true, min: 1, max: 2 ** 53 }, 'bound on events (default 10,000 per arrival)'),
      maxInFlight: num({ integer: true, min: 1, max: MAX_IN_FLIGHT }, 'bound on requests in flight'),
    },
    [],
    { description: 'requests and/or timeMs (whichever comes first); a trace may leave stop out' },
  );
}

function keys(): JsonSchema {
  return {
    type: 'object',
    required: ['dist'],
    properties: { dist: enumOf(['uniform', 'zipf']) },
    allOf: [
      when('dist', ['uniform'], closed({ dist: { const: 'uniform' }, count: num({ integer: true, min: 1, max: 2 ** 31 - 1 }) }, ['count'])),
      when('dist', ['zipf'], closed({ dist: { const: 'zipf' }, count: num({ integer: true, min: 1, max: 10_000_000 }), exponent: num({ min: 0, max: 10 }) }, ['count', 'exponent'])),
    ],
  };
}

const metrics = () => closed({ significantDigits: num({ integer: true, min: HISTOGRAM_DIGITS.min, max: HISTOGRAM_DIGITS.max }, `percentile precision (default ${HISTOGRAM_DIGITS.default})`) });

/** A service's concurrency limit at each server: static, or AIMD (Netflix's defaults). */
function limit(): JsonSchema {
  const n = (description: string) => num({ integer: true, min: 1, max: 10_000_000 }, description);
  return {
    description: 'a concurrency limit at each server: attempts over it are refused at once',
    ...closed({
      static: n('attempts admitted at once'),
      aimd: closed({
        initialLimit: n('default 20 (within minLimit..maxLimit)'),
        minLimit: n('default 20'),
        maxLimit: n('default 200'),
        backoffRatio: num({ min: 0.5, max: 0.999 }, 'the limit is multiplied by this on a drop or a slow answer (default 0.9)'),
        timeoutMs: ms(CLIENT_POSITIVE, 'an answer slower than this counts as a drop (default 5000)'),
      }),
    }),
    // One of the two (a closed object with both fields, so that a misspelt field is named as such).
    oneOf: [{ required: ['static'] }, { required: ['aimd'] }],
  };
}

/** Services calling services: entry, services with their handlers, policies per edge. */
function topology(): JsonSchema {
  const service = { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_-]{0,63}$' };
  const hold = { type: 'boolean', description: 'keep the slot while waiting for the call (default true)' };
  const p = num({ above: 0, max: 1 }, 'the call is made with this probability (default 1)');
  const fallback = { type: 'boolean', description: 'a call that fails (its edge\'s policy gave up) is answered by a fallback: the attempt goes on, degraded (default false)' };
  // A step is told by its first field among work, fail, call, parallel (the validator's order):
  // an if/then chain, so that an error names the fields of the step it is (oneOf would report
  // every other kind's too).
  const kinds: [string, JsonSchema][] = [
    ['work', closed({ work: { $ref: '#/definitions/distribution' } }, ['work'])],
    ['fail', closed({ fail: num({ min: 0, max: 1 }, 'probability the attempt fails here') }, ['fail'])],
    ['call', closed({ call: service, p, hold, fallback }, ['call'])],
    ['parallel', closed({ parallel: { type: 'array', items: service, minItems: 1, maxItems: 1000 }, need: { anyOf: [enumOf(['all', 'any']), num({ integer: true, min: 1 })] }, p, hold, fallback }, ['parallel'])],
  ];
  const step: JsonSchema = {
    type: 'object',
    description: 'a handler step: {"work": distribution}, {"fail": p}, {"call": service, ...} or {"parallel": [services], ...}',
    ...kinds.reduceRight<JsonSchema>(
      (otherwise, [key, then]) => ({ if: { required: [key] }, then, else: otherwise }),
      { anyOf: kinds.map(([key]) => ({ required: [key] })) },
    ),
  };
  // No connect timeouts in a topology yet (the validator refuses any above 0).
  const noConnectTimeout = (c: JsonSchema): JsonSchema => {
    const properties = c.properties as Record<string, JsonSchema>;
    properties.connectTimeoutMs = { ...properties.connectTimeoutMs, maximum: 0, description: 'not supported in a topology yet (0 only)' };
    return c;
  };
  const edge = noConnectTimeout(client());
  edge.properties = {
    ...(edge.properties as Record<string, JsonSchema>),
    breaker: closed({
      windowType: enumOf(BREAKER_WINDOW_TYPES, 'Resilience4j\'s sliding window: "count" (default, the last window outcomes) or "time" (the outcomes of the last windowMs, in 1 s buckets)'),
      window: num({ integer: true, min: 1, max: 100_000 }, 'outcomes kept (default 100; count-based only)'),
      windowMs: { ...num({ integer: true, min: 1000, max: 3_600_000 }, 'time-based window length, whole seconds (default 100000; time-based only)'), multipleOf: 1000 },
      minCalls: num({ integer: true, min: 1, max: 10_000_000 }, 'before the rate counts (default window; 100 when time-based)'),
      failureRatePercent: num({ above: 0, max: 100 }, 'default 50'),
      openMs: ms(CLIENT_POSITIVE, 'default 60000'),
      halfOpenCalls: num({ integer: true, min: 1, max: 100_000 }, 'trial calls (default 10)'),
    }, [], { allOf: [when('windowType', ['time'], none('window')), when('windowType', ['count'], none('windowMs'), true)] }),
    maxConcurrent: num({ integer: true, min: 1, max: 10_000_000 }, 'bulkhead: attempts in flight over the edge at most'),
    latencyMs: { $ref: '#/definitions/distribution', description: 'network latency, drawn each way (to the callee, and the answer back)' },
    loss: num({ min: 0, max: 1 }, 'probability an answer is lost on its way back; > 0 needs timeoutMs or deadlineMs'),
  };
  // A lost answer would be waited for forever: loss > 0 needs a timeout or a deadline on the edge.
  edge.if = { required: ['loss'], properties: { loss: { exclusiveMinimum: 0 } } };
  edge.then = { anyOf: [{ required: ['timeoutMs'] }, { required: ['deadlineMs'] }] };
  // A trace's costs have no place in a topology (each service's work steps give its work).
  const topologyArrivals = { allOf: [{ $ref: '#/definitions/arrivals' }, { not: { required: ['costsMs'] } }] };
  return {
    type: 'object',
    additionalProperties: false,
    required: ['services'],
    properties: {
      $schema: { type: 'string' },
      name: text,
      description: { description: 'free text, ignored' },
      seed: num({ integer: true, min: 0, max: 2 ** 32 - 1 }, 'default 1'),
      stop: stop(),
      arrivals: topologyArrivals,
      keys: keys(),
      entry: service,
      entries: {
        type: 'object', minProperties: 1, propertyNames: { ...service, not: { const: 'client' } },
        description: 'several entry services (names of services), each with its own arrivals, keys and client -> entry edge policy; in place of entry, arrivals, keys and client',
        additionalProperties: closed({ arrivals: topologyArrivals, keys: keys(), client: noConnectTimeout(client()) }, ['arrivals']),
      },
      services: {
        type: 'object', minProperties: 1, maxProperties: 1000, propertyNames: { ...service, not: { const: 'client' } },
        additionalProperties: closed({ servers: servers(), balancer: balancer(), work: { type: 'array', items: step, maxItems: 100 }, limit: limit(), failures: failures(), health: health() }, ['servers', 'balancer', 'work']),
      },
      calls: { type: 'object', propertyNames: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_-]*->[A-Za-z][A-Za-z0-9_-]*$' }, additionalProperties: edge },
      client: noConnectTimeout(client()),
      metrics: metrics(),
      workflows: workflowsSchema(),
    },
    allOf: [
      STOP_REQUIRED,
      // `entries` in place of `entry` + `arrivals` (+ `keys`, `client`).
      {
        if: { required: ['entries'] },
        then: { not: { anyOf: ['arrivals', 'entry', 'keys', 'client'].map((key) => ({ required: [key] })) } },
        else: { required: ['arrivals'] },
      },
    ],
  };
}

/** The JSON Schema of scenario files: a single pool, or (with `services`) a topology. */
export function scenarioSchema(): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'lbsim scenario',
    description: 'A load-balancer simulation scenario (lbsim). Times in ms, rates per second.',
    if: { type: 'object', required: ['services'] },
    then: topology(),
    else: singlePool(),
    definitions: { distribution: distribution(), arrivals: arrivals(), ...workflowDefinitions() },
  };
}

function singlePool(): JsonSchema {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['servers', 'arrivals', 'service', 'balancer'],
    properties: {
      $schema: { type: 'string' },
      name: text,
      description: { description: 'free text, ignored' },
      seed: num({ integer: true, min: 0, max: 2 ** 32 - 1 }, 'default 1'),
      stop: stop(),
      servers: servers(),
      arrivals: { $ref: '#/definitions/arrivals' },
      service: { $ref: '#/definitions/distribution' },
      serviceScope: enumOf(['request', 'attempt'], 'whether retries and hedges draw their own cost (default "request")'),
      keys: keys(),
      balancer: balancer(),
      fleet: closed({ count: num({ integer: true, min: 1, max: 10_000 }), assign: enumOf(['round-robin', 'random'], 'default "round-robin"') }, ['count']),
      view: closed(
        { load: enumOf(['own', 'reported'], 'default "own"'), refreshMs: ms({ min: 0 }, 'reports every refreshMs (0 = live); load "reported" only') },
        [],
        { if: { properties: { load: { const: 'reported' } }, required: ['load'] }, else: { properties: { refreshMs: { maximum: 0 } } } },
      ),
      failures: failures(),
      health: health(),
      client: client(),
      story: story(),
      metrics: metrics(),
    },
    allOf: [STOP_REQUIRED],
  };
}
