/**
 * The scenario as users write it (a JSON file, or an object literal in TypeScript): every field
 * the validator accepts, optional where it has a default, with discriminated unions for
 * distributions (`dist`), arrival processes (`process`) and keys. The types catch misspelt and
 * misplaced fields at compile time; `parseScenario` still checks values and ranges at run time
 * (and takes `unknown`, for JSON that has not been checked). A parsed `Scenario` is a
 * `ScenarioInput` too. Defaults and meanings: README "Scenario files";
 * `schema/scenario.schema.json` describes the same shape for editors.
 */
import type { DisciplineName } from '../model/server-pool.js';
import type { Jitter } from '../model/client.js';

/** Durations in ms. A `file` is a CSV read by `loadScenarioFile` or the CLI, relative to the scenario. */
export type DistributionInput =
  | { dist: 'constant'; valueMs: number }
  | { dist: 'uniform'; minMs: number; maxMs: number }
  | { dist: 'exponential'; meanMs: number }
  | { dist: 'lognormal'; medianMs: number; p99Ms: number }
  /** mu, sigma: mean and standard deviation of ln(ms). */
  | { dist: 'lognormal'; mu: number; sigma: number }
  | { dist: 'pareto'; alpha: number; minMs: number; maxMs?: number }
  | { dist: 'weibull'; shape: number; scaleMs: number }
  | { dist: 'gamma'; shape: number; meanMs: number }
  /** a with probability p, else b. */
  | { dist: 'bimodal'; p: number; a: DistributionInput; b: DistributionInput }
  | { dist: 'empirical'; samplesMs: readonly number[] }
  | { dist: 'empirical'; file: string; column?: string };

/** Rates per second, durations in ms. */
export type ArrivalsInput =
  | { process: 'poisson' | 'constant'; ratePerSec: number; changes?: readonly { atMs: number; ratePerSec: number }[] }
  | { process: 'on-off'; ratePerSec: number; offRatePerSec?: number; onMs: number; offMs: number }
  | { process: 'ramp'; fromPerSec: number; toPerSec: number; overMs: number }
  | { process: 'trace'; timesMs: readonly number[]; costsMs?: readonly number[]; keys?: readonly number[] }
  | { process: 'trace'; file: string }
  | { process: 'closed'; clients: number; thinkMs: DistributionInput };

/** `requests` and/or `timeMs` (a trace may give neither: it stops after its last arrival). */
export interface StopInput {
  requests?: number;
  timeMs?: number;
  warmupMs?: number;
  maxEvents?: number;
  maxInFlight?: number;
}

export interface ServerGroupInput {
  name?: string;
  count?: number;
  concurrency?: number;
  speed?: number;
  weight?: number;
  queueLimit?: number;
  discipline?: DisciplineName;
  queueTargetMs?: number;
  queueIntervalMs?: number;
}

/** A policy and its options, as in a scenario's `balancer` field: `{ name: 'p2c', choices: 3 }`. */
export interface BalancerInput {
  name: string;
  [option: string]: unknown;
}

/** A balancer as the API takes it: a name (`'p2c'`) or a name with options. */
export type BalancerChoice = string | BalancerInput;

export type KeysInput = { dist: 'uniform'; count: number } | { dist: 'zipf'; count: number; exponent: number };

/** Random failures by mean (`mtbfMs`/`mttrMs`) or distribution (`timeBetween`/`repair`), not both. */
export interface FailureRates {
  mtbfMs?: number;
  mttrMs?: number;
  timeBetween?: DistributionInput;
  repair?: DistributionInput;
}

export interface FailuresInput extends FailureRates {
  warmupMs?: number;
  outages?: readonly { atMs: number; forMs: number; servers: readonly number[] }[];
  slowdowns?: readonly { atMs: number; forMs: number; servers: readonly number[]; factor: number }[];
  zones?: readonly ({ servers: readonly number[] } & FailureRates)[];
}

export interface HealthInput {
  intervalMs?: number;
  timeoutMs?: number;
  unhealthyThreshold?: number;
  healthyThreshold?: number;
  outlier?: { consecutiveErrors?: number; baseEjectionMs?: number; maxEjectionPercent?: number };
  panicThresholdPercent?: number;
  slowStartMs?: number;
}

export interface ClientInput {
  timeoutMs?: number;
  deadlineMs?: number;
  connectTimeoutMs?: number;
  cancel?: boolean;
  retries?: {
    max: number;
    baseMs?: number;
    capMs?: number;
    jitter?: Jitter;
    budget?: { ratio?: number; minPerSec?: number; burst?: number };
  };
  hedge?: { afterMs?: number; percentile?: number; max?: number };
}

// A type literal, not an interface: assignable to Record<string, unknown> as JSON is.
export type ScenarioInput = {
  /** The JSON Schema the file follows (for editors; ignored). */
  $schema?: string;
  name?: string;
  description?: string;
  seed?: number;
  /** Required unless `arrivals` is a trace. */
  stop?: StopInput;
  servers: readonly ServerGroupInput[];
  arrivals: ArrivalsInput;
  service: DistributionInput;
  serviceScope?: 'request' | 'attempt';
  keys?: KeysInput;
  balancer: BalancerInput;
  fleet?: { count: number; assign?: 'round-robin' | 'random' };
  view?: { load?: 'own' | 'reported'; refreshMs?: number };
  failures?: FailuresInput;
  health?: HealthInput;
  client?: ClientInput;
  metrics?: { significantDigits?: number };
  /** Steps in simulated time (story.ts); servers named as drawn, "S1" is id 0. */
  story?: readonly StoryStepInput[];
};

/** A handler step of a service in a topology. */
export type StepInput =
  | { work: DistributionInput }
  | { fail: number }
  /** `fallback`: a call that fails (its edge's policy gave up) is answered by a fallback; the attempt goes on, degraded. */
  | { call: string; p?: number; hold?: boolean; fallback?: boolean }
  | { parallel: readonly string[]; need?: 'all' | 'any' | number; p?: number; hold?: boolean; fallback?: boolean };

/** A service of a topology: a pool of servers, its balancer, its handler. */
export interface ServiceInput {
  servers: readonly ServerGroupInput[];
  balancer: BalancerInput;
  work: readonly StepInput[];
  /** A concurrency limit at each of its servers: `{static: n}` or AIMD (Netflix's defaults). */
  limit?: { static: number } | { aimd: { initialLimit?: number; minLimit?: number; maxLimit?: number; backoffRatio?: number; timeoutMs?: number } };
  /** Failures of its servers (server ids within the service) and its balancer's health checks. */
  failures?: FailuresInput;
  health?: HealthInput;
}

/** An edge's policy: the client's (no connect timeout yet), a breaker, a bulkhead, a network. */
export type EdgeInput = Omit<ClientInput, 'connectTimeoutMs'> & {
  /** Resilience4j's circuit breaker, count- or time-based sliding window (defaults as there). */
  breaker?: { windowType?: 'count' | 'time'; window?: number; windowMs?: number; minCalls?: number; failureRatePercent?: number; openMs?: number; halfOpenCalls?: number };
  /** Bulkhead: attempts in flight over the edge at most. */
  maxConcurrent?: number;
  /** Network latency, drawn each way (to the callee, and the answer back). */
  latencyMs?: DistributionInput;
  /** Probability an answer is lost on its way back (needs timeoutMs or deadlineMs). */
  loss?: number;
};

/** An entry service's own arrivals, keys and client → entry edge policy (`entries`). */
export interface EntryInput {
  arrivals: ArrivalsInput;
  keys?: KeysInput;
  client?: Omit<ClientInput, 'connectTimeoutMs'>;
}

/**
 * Services calling services: `entry` (default: the first service) receives the arrivals; each
 * service runs its handler; `calls` gives the client policy of an edge "caller->callee"; the
 * top-level `client` is the external client → entry edge. Or `entries`: several entry services,
 * each with its own arrivals (keys, client), in place of `entry`, `arrivals`, `keys` and `client`.
 */
export type TopologyInput = TopologyCommonInput & (
  | { arrivals: ArrivalsInput; keys?: KeysInput; entry?: string; client?: Omit<ClientInput, 'connectTimeoutMs'>; entries?: undefined }
  | { entries: Readonly<Record<string, EntryInput>>; arrivals?: undefined; keys?: undefined; entry?: undefined; client?: undefined }
);

type TopologyCommonInput = {
  $schema?: string;
  name?: string;
  description?: string;
  seed?: number;
  stop?: StopInput;
  services: Readonly<Record<string, ServiceInput>>;
  calls?: Readonly<Record<string, EdgeInput>>;
  metrics?: { significantDigits?: number };
  /** Workflows as state machines living in the services (src/workflow/workflow-spec.ts). */
  workflows?: WorkflowsInput;
};

/** A workflow machine: an XState v5 config (guards and actions as data) living in a service, and the world around it. */
export interface WorkflowMachineInput {
  service: string;
  machine: object;
  request?: string | readonly string[];
  respond?: string;
  ok?: readonly string[];
  idempotencyKey?: boolean;
  events?: Readonly<Record<string, { in: string; after: DistributionInput; p?: number }>>;
  delays?: Readonly<Record<string, DistributionInput>>;
}

export interface WorkflowsInput {
  start?: string;
  machines: Readonly<Record<string, WorkflowMachineInput>>;
  invariants?: {
    never?: readonly Readonly<Record<string, string>>[];
    eventually?: readonly ({ withinMs: number } & Readonly<Record<string, string | readonly string[] | number>>)[];
  };
}

/** One story step: at `atMs`, one action (kill, revive, slow with factor and forMs, rate) and/or a caption. */
export type StoryStepInput = { atMs: number; caption?: string } & (
  | { kill?: never; revive?: never; slow?: never; rate?: never }
  | { kill: string }
  | { revive: string }
  | { slow: string; factor: number; forMs?: number }
  | { rate: number }
);
