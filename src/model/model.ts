/**
 * The simulated world: clients → balancer(s) → servers. One `switch` over integer event kinds
 * drives it; requests and servers live in typed arrays; nothing is allocated per request.
 *
 * A request (REQUEST_MACHINE) arrives and its client sends an attempt (ATTEMPT_MACHINE): the
 * balancer picks a server (none eligible ⇒ rejected); the server starts it at once if a slot is
 * free, queues it if there is room, or drops it; a server that is down refuses it. The client
 * reacts to each attempt's outcome: success ends the request; an error or a per-attempt timeout
 * leads to a retry after a backoff (if retries and budget allow) or ends the request with that
 * outcome; the overall deadline ends it as timed out; hedges send extra copies, first answer wins.
 *
 * Counters cover *measured* requests: those arriving at or after the warm-up. For them
 * arrived = succeeded + failed + timedOut + dropped + rejected + inFlight, always.
 */
import { Simulation, EventLimitError, type Handler, MAX_TARGET, KIND_BITS } from '../engine/simulation.js';
import { RunLimitError, EVENTS_BASE, EVENTS_PER_ARRIVAL, DEFAULT_MAX_IN_FLIGHT } from './run-limit-error.js';
import { createStream, createBaselineStream, type Rng } from '../random/rng.js';
import { createDistribution, type Distribution, type DistributionSpec } from '../random/distributions.js';
import { createArrivals, type ArrivalProcess, type ArrivalSpec } from './arrivals.js';
import { Discipline, ServerPool, type PoolWindow, type ServerSpec } from './server-pool.js';
import { RequestTable, InFlightLimitError } from './request-table.js';
import {
  ATTEMPT_MACHINE, ATTEMPT_STATE_NAMES, AttemptState, REQUEST_MACHINE, REQUEST_STATE_NAMES, RequestState, ServerState,
  transitionTable, IllegalTransitionError,
} from './states.js';
import { backoffMs, RetryBudget, type ClientConfig } from './client.js';
import { HealthView, type HealthConfig } from './health.js';
import type { Balancer, BalancerContext } from '../balancers/balancer.js';
import { getBalancer, balancerNames } from '../balancers/registry.js';
import { Histogram } from '../metrics/histogram.js';
import { Welford } from '../metrics/welford.js';

export interface ModelConfig {
  seed: number;
  /** How random streams are seeded: by name (default) or the baselines' splitmix order. */
  streams?: 'named' | 'baseline';
  /**
   * The end of the run and its bounds. `maxEvents`: events handled in all (default 10,000 per
   * arrival + 10⁷, so that no ordinary run is cut); `maxInFlight`: requests alive at once (default
   * 10⁷). Reaching either throws RunLimitError.
   */
  stop: { requests?: number; timeMs?: number; warmupMs: number; maxEvents?: number; maxInFlight?: number };
  servers: readonly ServerSpec[];
  arrivals: ArrivalSpec | ClosedLoopSpec;
  service: DistributionSpec;
  /**
   * "request" (default): a request's cost is drawn once and every attempt of it costs the same
   * (the work is in the request). "attempt": retries and hedges draw a fresh cost from their own
   * stream (the variability is in the server: hiccups, GC pauses — the case hedging addresses).
   */
  serviceScope?: 'request' | 'attempt';
  balancer: { name: string; options: Record<string, unknown> };
  /** Independent balancer instances, each request arriving at one of them (default 1). */
  fleet?: { count: number; assign: 'round-robin' | 'random' };
  /**
   * What load-aware policies read as `outstanding`: their own open requests (default, live), or
   * the servers' true load as reported to every instance each `refreshMs` (0 = instantly).
   */
  view?: { load: 'own' | 'reported'; refreshMs: number };
  /** Hash keys of requests: uniform over `count` keys or Zipf with `exponent`. Default: all 0. */
  keys?: KeySpec;
  failures?: FailureConfig;
  health?: HealthConfig;
  client?: ClientConfig;
  /** How figures are kept: latency percentiles to `significantDigits` (1–4, default 3: 0.1%). */
  metrics?: { significantDigits: number };
}

/** `clients` clients, each sending a request, waiting for its outcome, then thinking. */
export interface ClosedLoopSpec {
  process: 'closed';
  clients: number;
  thinkMs: DistributionSpec;
}

export type KeySpec = { dist: 'uniform'; count: number } | { dist: 'zipf'; count: number; exponent: number };

/**
 * Server failures. Random: each server alternates up-time drawn from `timeBetween` and repair
 * time drawn from `repair` (both optional). Scheduled: `outages` take servers down at `atMs` for
 * `forMs`. After a repair a server is `recovering` for `warmupMs`: requests starting then run at
 * a speed ramping linearly from 10% to 100% (slow start), after which it is idle or busy again.
 * `slowdowns` (gray failure) divide servers' speed by `factor` from `atMs` for `forMs` while they
 * stay up and healthy-looking.
 */
export interface FailureConfig {
  timeBetween?: DistributionSpec;
  repair?: DistributionSpec;
  warmupMs: number;
  outages: { atMs: number; forMs: number; servers: number[] }[];
  slowdowns?: { atMs: number; forMs: number; servers: number[]; factor: number }[];
  /** Correlated failures: each zone's servers fail together (a rack, an availability zone). */
  zones?: { servers: number[]; timeBetween: DistributionSpec; repair: DistributionSpec }[];
}

/** Watches a model, e.g. to animate it. Called synchronously at `model.sim.now`. */
export interface ModelObserver {
  /** Row `r`'s attempt was sent to server `server`. */
  dispatched?(r: number, server: number): void;
  /** Row `r`'s attempt ended at `server` (-1 if none) in `state` (an AttemptState). */
  ended?(r: number, state: number, server: number): void;
  /** Server `server` changed state (a ServerState). */
  serverChanged?(server: number, state: number): void;
  /** Row `r`'s abandoned work carries on at its server as ghost row `g` (no client waits for it). */
  replaced?(r: number, g: number): void;
}

export const EventKind = {
  Arrival: 0, Departure: 1, WarmupEnd: 2, Fail: 3, Repair: 4, Recovered: 5, Outage: 6, Report: 7,
  AttemptTimeout: 8, Refused: 9, Deadline: 10, Retry: 11, Hedge: 12, Probe: 13, ProbeFailed: 14, Uneject: 15,
  Slowdown: 16, SlowdownEnd: 17, ZoneFail: 18, SlowStart: 19, WindowEnd: 20,
} as const;

/** The measurement window: the servers' figures over it, and completions inside it. */
export interface MeasuredWindow extends PoolWindow {
  /** Requests (measured or not) that succeeded inside the window. */
  succeeded: number;
  /** Attempts servers completed inside the window (useful or not). */
  serverCompletions: number;
}

const R = RequestState;
const A = AttemptState;
const NREQ = REQUEST_STATE_NAMES.length;
const NATT = ATTEMPT_STATE_NAMES.length;
const REQUEST_ALLOWED = transitionTable(REQUEST_MACHINE);
const ATTEMPT_ALLOWED = transitionTable(ATTEMPT_MACHINE);

export class Model implements Handler {
  readonly sim = new Simulation();
  readonly pool: ServerPool;
  readonly requests = new RequestTable();
  /** The balancer instances (one unless `fleet.count` says otherwise) and their views. */
  readonly balancers: Balancer[] = [];
  readonly contexts: BalancerContext[] = [];
  /** The first instance and its view (the only one in most scenarios). */
  readonly balancer: Balancer;
  readonly balancerContext: BalancerContext;
  readonly health: HealthView;
  /** Latency of succeeded requests (arrival to final answer, over all attempts). */
  readonly latency: Histogram;
  readonly latencyStats = new Welford();
  /** Counters of measured requests. */
  arrived = 0; succeeded = 0; failed = 0; timedOut = 0; dropped = 0; rejected = 0;
  /** Measured requests still in flight. */
  inFlight = 0;
  /** Attempts sent for measured requests: all, retries, hedges. */
  attemptsSent = 0; retries = 0; hedges = 0;
  /** Server time spent on work nobody was waiting for any more (abandoned or lost hedges), ms. */
  wastedWorkMs = 0;
  /** Attempts completed by servers (useful or not) since the warm-up. */
  serverCompletions = 0;
  /** Failures that happened (measured period). */
  failuresObserved = 0;
  /**
   * Failures of servers the balancers had already excluded (e.g. failing again after a repair,
   * before health checks let it back): never chosen, so not detections (measured period).
   */
  failuresWhileExcluded = 0;
  /** Attempts sent to a server that was down at the time (measured). */
  sentToFailed = 0;
  /** Time from a failure to the moment balancers stop choosing the server, ms. */
  readonly detectionDelay = new Welford();
  /** Time from a repair to the first attempt sent to the server, ms. */
  readonly trafficReturnDelay = new Welford();
  /** Request transitions [from * NREQ + to] and attempt transitions [from * NATT + to], measured. */
  readonly requestTransitions = new Float64Array(NREQ * NREQ);
  readonly attemptTransitions = new Float64Array(NATT * NATT);
  /** When true every request, attempt and server transition is checked against its machine. */
  checked = false;
  warmupMs: number;
  observer: ModelObserver | null = null;

  private readonly own: Int32Array[] = [];
  private readonly arrivals: ArrivalProcess | null;
  private readonly closed: ClosedLoopSpec | null;
  private readonly think: Distribution | null;
  private readonly service: Distribution;
  private readonly serviceRng: Rng;
  /** Costs of retries and hedges when `serviceScope` is "attempt"; null otherwise. */
  private readonly attemptServiceRng: Rng | null;
  private readonly arrivalRng: Rng;
  private readonly observe: boolean;
  private readonly assignRandom: boolean;
  private readonly fleetRng: Rng;
  private nextInstance = 0;
  private readonly reported: Int32Array | null;
  private readonly refreshMs: number;
  private readonly keyOf: ((rng: Rng) => number) | null;
  private readonly keyRng: Rng;
  private arrivalsLeft: number;
  private readonly stopAtMs: number;
  private pendingCostMs = NaN;
  private pendingKey = -1;
  private measuring: boolean;
  /** True once no request will arrive any more. */
  private arrivalsDone = false;
  /** Closed loop: arrivals scheduled and not yet arrived; clients that will send no more. */
  private pendingArrivals = 0;
  private clientsDone = 0;
  /** Requests that succeeded (measured or not), and their count at the end of the warm-up. */
  private successes = 0;
  private successesAtWarmup = 0;
  /**
   * The end of the measurement window: the last arrival, or the stop time when arrivals end by
   * it; Infinity while not known. Rates and time averages are taken over [warmupMs, windowEndMs].
   */
  private windowEndMs = Infinity;
  /** Completions inside the window, frozen when it closes. */
  private windowCounts: { succeeded: number; serverCompletions: number } | null = null;
  private readonly failures: FailureConfig | undefined;
  private readonly failureRng: Rng;
  private readonly upTime: Distribution | null;
  private readonly repairTime: Distribution | null;
  /** Id of each server's pending lifecycle event (fail, repair or recovered); lazy cancellation. */
  private readonly lifecycleId: Float64Array;
  private readonly recoveringSince: Float64Array;
  private readonly failedAt: Float64Array;
  /** 1 while a failure has not yet been noticed by the balancers. */
  private readonly undetected: Uint8Array;
  private readonly repairedAt: Float64Array;
  /** 1 while a repaired server has not yet received traffic. */
  private readonly awaitingTraffic: Uint8Array;
  private readonly baseSpeed: Float64Array;
  /** Weights as the balancers see them: configured weights, ramped after recovery (slow start). */
  private readonly effectiveWeight: Float64Array;
  private readonly wasEligible: Uint8Array;
  private readonly slowStartSince: Float64Array;
  private readonly slowStartId: Float64Array;
  private readonly zoneUp: Distribution[];
  private readonly zoneRepair: Distribution[];
  private readonly client: ClientConfig | undefined;
  private readonly clientRng: Rng;
  private readonly budget: RetryBudget | null;
  private readonly oracleHealth: boolean;
  /** No client behaviour, no outlier detection, open arrivals: requests take the short path. */
  private readonly plain: boolean;
  /** > 0 while finishRequest withdraws a request's copies; slots they free wait in freedSlots. */
  private withdrawing = 0;
  /** The event queue's FIFO lanes for client events (-1 without a client). */
  private readonly lanes: { timeout: number; deadline: number; hedge: number; refused: number };
  private readonly freedSlots: number[] = [];
  /** Added to the event budget at each arrival (0 when `stop.maxEvents` fixes it). */
  private readonly eventsPerArrival: number;

  constructor(readonly config: ModelConfig) {
    const { seed } = config;
    const sim = this.sim;
    sim.setHandler(this);
    this.pool = new ServerPool(config.servers, sim);
    this.latency = new Histogram(config.metrics?.significantDigits);
    const n = this.pool.size;
    if (n > MAX_TARGET / 2) throw new RangeError(`at most ${MAX_TARGET / 2} servers`);
    const baseline = config.streams === 'baseline';
    this.arrivalRng = baseline ? createBaselineStream(seed, 0) : createStream(seed, 'arrivals');
    this.serviceRng = baseline ? createBaselineStream(seed, 1) : createStream(seed, 'service');
    this.closed = config.arrivals.process === 'closed' ? config.arrivals : null;
    this.arrivals = config.arrivals.process === 'closed' ? null : createArrivals(config.arrivals, this.arrivalRng);
    this.think = this.closed ? createDistribution(this.closed.thinkMs) : null;
    this.service = createDistribution(config.service);
    this.attemptServiceRng = config.serviceScope === 'attempt' ? createStream(seed, 'service/attempts') : null;

    const info = getBalancer(config.balancer.name);
    if (!info) throw new Error(`unknown balancer ${JSON.stringify(config.balancer.name)} (known: ${balancerNames().join(', ')})`);
    const fleet = config.fleet ?? { count: 1, assign: 'round-robin' };
    const view = config.view ?? { load: 'own', refreshMs: 0 };
    this.refreshMs = view.load === 'reported' ? view.refreshMs : 0;
    this.reported = view.load === 'reported' ? (this.refreshMs > 0 ? new Int32Array(n) : this.pool.load) : null;
    // All instances share what health tells them; each keeps its own connections and coin flips.
    const eligible = new Uint8Array(n).fill(1);
    this.effectiveWeight = Float64Array.from(this.pool.weight);
    this.wasEligible = new Uint8Array(n).fill(1);
    this.slowStartSince = new Float64Array(n);
    this.slowStartId = new Float64Array(n).fill(-1);
    this.health = new HealthView(n, config.health, eligible);
    this.oracleHealth = !config.health?.checks;
    this.plain = !config.client && !config.health?.outlier && config.arrivals.process !== 'closed';
    this.requests.clientFields = !!config.client || config.arrivals.process === 'closed';
    for (let b = 0; b < fleet.count; b++) {
      const own = new Int32Array(n);
      const ctx: BalancerContext = {
        size: n,
        weights: this.effectiveWeight,
        eligible,
        outstanding: this.reported ?? own,
        trueLoad: this.pool.load,
        rng: createStream(seed, b === 0 ? 'balancer' : `balancer/${b}`),
        now: () => sim.now,
      };
      this.own.push(own);
      this.contexts.push(ctx);
      this.balancers.push(info.create(ctx, config.balancer.options, 'balancer'));
    }
    this.balancer = this.balancers[0];
    this.balancerContext = this.contexts[0];
    this.observe = typeof this.balancer.observe === 'function';
    this.assignRandom = fleet.assign === 'random';
    this.fleetRng = createStream(seed, 'fleet');
    this.keyRng = createStream(seed, 'keys');
    this.keyOf = config.keys ? createKeySampler(config.keys) : null;
    if (this.refreshMs > 0) sim.schedule(this.refreshMs, EventKind.Report, 0);

    this.client = config.client;
    // Client events come due a fixed delay after they are scheduled: FIFO lanes, not the heap.
    const lane = (used: boolean) => (used ? sim.addLane() : -1);
    const c = config.client;
    this.lanes = {
      timeout: lane(c?.timeoutMs !== undefined),
      deadline: lane(c?.deadlineMs !== undefined),
      hedge: lane(c?.hedge !== undefined),
      refused: lane((c?.connectTimeoutMs ?? 0) > 0),
    };
    this.clientRng = createStream(seed, 'client');
    this.budget = config.client?.retries?.budget ? new RetryBudget(config.client.retries.budget) : null;

    this.failures = config.failures;
    this.failureRng = createStream(seed, 'failures');
    this.upTime = config.failures?.timeBetween ? createDistribution(config.failures.timeBetween) : null;
    this.repairTime = config.failures?.repair ? createDistribution(config.failures.repair) : null;
    this.lifecycleId = new Float64Array(n).fill(-1);
    this.recoveringSince = new Float64Array(n);
    this.failedAt = new Float64Array(n);
    this.undetected = new Uint8Array(n);
    this.repairedAt = new Float64Array(n);
    this.awaitingTraffic = new Uint8Array(n);
    this.baseSpeed = Float64Array.from(this.pool.speed);
    if (this.upTime) for (let s = 0; s < n; s++) this.scheduleFailure(s);
    config.failures?.outages.forEach((o, i) => sim.schedule(o.atMs, EventKind.Outage, i));
    config.failures?.slowdowns?.forEach((o, i) => sim.schedule(o.atMs, EventKind.Slowdown, i));
    this.zoneUp = (config.failures?.zones ?? []).map((z) => createDistribution(z.timeBetween));
    this.zoneRepair = (config.failures?.zones ?? []).map((z) => createDistribution(z.repair));
    this.zoneUp.forEach((d, z) => sim.schedule(d.sample(this.failureRng), EventKind.ZoneFail, z));
    const checks = config.health?.checks;
    if (checks) {
      const healthRng = createStream(seed, 'health');
      for (let s = 0; s < n; s++) sim.schedule(healthRng.next() * checks.intervalMs, EventKind.Probe, s);
    }

    const { maxEvents, maxInFlight } = config.stop;
    sim.eventLimit = maxEvents ?? EVENTS_BASE;
    this.eventsPerArrival = maxEvents === undefined ? EVENTS_PER_ARRIVAL : 0;
    this.requests.maxRows = maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    this.warmupMs = config.stop.warmupMs;
    this.measuring = this.warmupMs <= 0;
    this.arrivalsLeft = config.stop.requests ?? Infinity;
    this.stopAtMs = config.stop.timeMs ?? Infinity;
    if (this.warmupMs > 0) sim.schedule(this.warmupMs, EventKind.WarmupEnd, 0);
    if (this.closed) for (let c = 0; c < this.closed.clients; c++) this.scheduleClosedArrival(c, 0);
    else this.scheduleArrival();
  }

  /** Runs to the end of the scenario (all requests done, or the time limit). */
  run(): void {
    this.runUntil(this.stopAtMs);
    // A run that ended before its window did (nothing left to do) is idle until the window's end.
    this.closeWindow(this.windowEndMs === Infinity ? this.sim.now : Math.max(this.sim.now, this.windowEndMs));
    this.pool.flush();
  }

  /**
   * The measurement window, from the end of the warm-up to the last arrival (or the stop time):
   * the servers' time-weighted figures over it and the completions inside it. Per-request figures
   * (counts, latency) follow the requests that arrived in it to their end instead (the drain).
   * Frozen once the window has closed; before, as things stand now.
   */
  measuredWindow(): MeasuredWindow {
    const pool = this.pool;
    if (pool.closed && this.windowCounts) return { ...pool.closed, ...this.windowCounts };
    if (!this.measuring) return { ...pool.window(), fromMs: this.sim.now, toMs: this.sim.now, ...emptyCounts(pool.size), succeeded: 0, serverCompletions: 0 };
    return { ...pool.window(), succeeded: this.successes - this.successesAtWarmup, serverCompletions: this.serverCompletions };
  }

  /** The run ended inside the warm-up: nothing was measured. */
  get measuredNothing(): boolean {
    return !this.measuring || (this.pool.closed !== null && this.pool.closed.toMs <= this.pool.closed.fromMs);
  }

  /** The window ends at `endMs`: now, or at that time (an event), whichever applies. */
  private endWindow(endMs: number): void {
    if (this.windowEndMs !== Infinity) return;
    this.windowEndMs = endMs;
    if (endMs <= this.sim.now) this.closeWindow(this.sim.now);
    else this.sim.schedule(endMs, EventKind.WindowEnd, 0);
  }

  /** Freezes the window's figures at `endMs` (≥ now; beyond now only when nothing happens until then). */
  private closeWindow(endMs: number): void {
    if (this.pool.closed) return;
    if (!this.measuring) {
      this.pool.closeWindow(endMs, true);
      this.windowCounts = { succeeded: 0, serverCompletions: 0 };
      return;
    }
    this.pool.closeWindow(endMs);
    this.windowCounts = { succeeded: this.successes - this.successesAtWarmup, serverCompletions: this.serverCompletions };
  }

  /**
   * `sim.runUntil(tMs)` with a short path. A plain request (see `plain`) that arrives, is sent to a
   * server that is up and takes it (in service or queued), is served first come first served and
   * succeeds — nearly every request of a benchmark — goes through `plainArrival` and
   * `plainDeparture`, two bodies small enough for V8 to inline what they call, instead of the
   * chain of general handlers. Every other event, and every other turn a request takes, goes
   * through the general handlers exactly as under `sim.runUntil`; runs with an observer or checked
   * transitions take the general path throughout. Same events, same order, same draws: tests hold
   * both paths to byte-identical summaries (test/model/model.test.ts).
   */
  runUntil(tMs: number): number {
    try {
      return this.sim.runUntil(tMs, this.plain && this.observer === null && !this.checked ? this.shortPath : this);
    } catch (e) {
      throw this.limitError(e);
    }
  }

  /** A bound the run hit, as the scenario field to change; other errors as they are. */
  private limitError(e: unknown): unknown {
    const stop = this.config.stop;
    if (e instanceof EventLimitError) {
      const budget = stop.maxEvents === undefined
        ? `the default budget (${EVENTS_PER_ARRIVAL.toLocaleString('en')} events per arrival + ${EVENTS_BASE.toLocaleString('en')})`
        : 'the limit set';
      return new RunLimitError('stop.maxEvents', e.limit,
        `the run handled ${e.limit.toLocaleString('en')} events, ${budget}, by ${e.atMs} ms of simulated time without ending ` +
        '(events keep coming while requests do not finish: e.g. health checks or failures beside a request that takes ' +
        'practically forever, or failures that repeat faster than anything else happens); set stop.maxEvents higher to let it go on');
    }
    if (e instanceof InFlightLimitError) {
      return new RunLimitError('stop.maxInFlight', e.limit,
        `more than ${e.limit.toLocaleString('en')} requests in flight at once at ${this.sim.now} ms of simulated time: they ` +
        'arrive faster than the servers finish them (offered load ≥ 1 with unbounded queues?); bound the waiting room with ' +
        `servers[].queueLimit, or set stop.maxInFlight higher (default ${DEFAULT_MAX_IN_FLIGHT.toLocaleString('en')})`);
    }
    return e;
  }

  /** The handler of `runUntil`'s short path: plain arrivals and departures, the rest as `handle`. */
  private readonly shortPath: Handler = {
    handle: (kind, r) => {
      if (kind === EventKind.Arrival) this.plainArrival(r);
      else if (kind === EventKind.Departure) {
        if (this.requests.departId[r] === this.sim.currentEventId) this.plainDeparture(r);
      } else this.handleRare(kind, r);
    },
  };

  /** arrive → sendAttempt → dispatch of a plain request, for a server that is up and takes it. */
  private plainArrival(source: number): void {
    const table = this.requests, pool = this.pool, now = this.sim.now;
    const p = this.admit(source);
    table.attempts[p] = 1;
    table.liveAttempts[p] = 1;
    table.atServer[p] = 1;
    table.sentMs[p] = now;
    const measured = table.measured[p];
    if (measured) this.attemptsSent++;
    const b = this.balancers.length === 1 ? 0 : this.instanceFor(); // one instance: no call
    table.balancer[p] = b;
    const s = this.balancers[b].pick(table.key[p]);
    if (s < 0 || pool.state[s] === ServerState.Failed || this.awaitingTraffic[s] === 1) {
      this.dispatch(p, p, b, s);
      return;
    }
    const begin = pool.inService[s] < pool.concurrency[s];
    if (!begin && pool.queueLimit[s] >= 0 && pool.queueLength[s] >= pool.queueLimit[s]) {
      this.dispatch(p, p, b, s); // dropped
      return;
    }
    table.server[p] = s;
    table.counted[p] = 1;
    this.own[b][s]++;
    const to = begin ? A.InService : A.Pending; // the same number as R.InService / R.Pending
    table.state[p] = to;
    table.callState[p] = to;
    if (measured) {
      this.attemptTransitions[A.Initiated * NATT + to]++;
      this.requestTransitions[R.Initiated * NREQ + to]++;
    }
    if (begin) {
      pool.startService(s);
      this.beginService(p, s);
    } else {
      pool.enqueue(s, p, table.nextInQueue, table.prevInQueue);
    }
  }

  /** depart → endAtServer → attemptOutcome → finishRequest → serveNext, for a plain request's only attempt. */
  private plainDeparture(r: number): void {
    const table = this.requests, pool = this.pool, now = this.sim.now;
    if (table.call[r] !== r) {
      this.depart(r);
      return;
    }
    const s = table.server[r], b = table.balancer[r], measured = table.measured[r];
    pool.completed[s]++;
    this.serverCompletions++;
    // The row is freed below: alloc resets its state and event ids for the next request. Only
    // atServer must be cleared, as failServer scans every row for requests in service.
    table.atServer[r] = 0;
    this.own[b][s]--;
    if (this.observe) this.balancers[b].observe!(s, now - table.sentMs[r], true);
    this.successes++;
    if (measured) {
      this.attemptTransitions[A.InService * NATT + A.Succeeded]++;
      this.requestTransitions[R.InService * NREQ + R.Succeeded]++;
      const latencyMs = now - table.arrivalMs[r];
      this.inFlight--;
      this.succeeded++;
      this.latency.record(latencyMs);
      this.latencyStats.add(latencyMs);
    }
    this.releaseRow(r);
    // serveNext, first come first served.
    if (pool.queueLength[s] === 0) {
      pool.endService(s);
    } else if (pool.discipline[s] === Discipline.Fifo) {
      const n = pool.queueHead[s];
      pool.remove(s, n, table.nextInQueue, table.prevInQueue);
      table.state[n] = A.InService;
      table.callState[n] = R.InService;
      if (table.measured[n]) {
        this.attemptTransitions[A.Pending * NATT + A.InService]++;
        this.requestTransitions[R.Pending * NREQ + R.InService]++;
      }
      this.beginService(n, s);
    } else {
      this.serveNext(s);
    }
  }

  handle(kind: number, target: number): void {
    // The two hot events first, in a body small enough for V8 to inline into the event loop.
    if (kind === EventKind.Departure) {
      if (this.requests.departId[target] === this.sim.currentEventId) this.depart(target);
    } else if (kind === EventKind.Arrival) {
      this.arrive(target);
    } else {
      this.handleRare(kind, target);
    }
  }

  private handleRare(kind: number, target: number): void {
    const id = this.sim.currentEventId, t = this.requests;
    switch (kind) {
      case EventKind.AttemptTimeout:
        if (t.timeoutId[target] === id) this.attemptTimeout(target);
        break;
      case EventKind.Refused:
        if (t.timeoutId[target] === id) this.refused(target);
        break;
      case EventKind.Deadline:
        if (t.deadlineId[target] === id) this.deadline(target);
        break;
      case EventKind.Retry:
        if (t.retryId[target] === id) {
          t.retryId[target] = -1;
          if (t.measured[target]) this.retries++;
          t.retries[target]++;
          this.sendAttempt(target, target);
        }
        break;
      case EventKind.Hedge:
        if (t.hedgeId[target] === id) this.hedge(target);
        break;
      case EventKind.WindowEnd:
        this.closeWindow(this.sim.now);
        break;
      case EventKind.WarmupEnd:
        if (this.pool.closed) break; // every arrival came during the warm-up: nothing to measure
        this.measuring = true;
        this.successesAtWarmup = this.successes;
        this.failuresObserved = 0;
        this.failuresWhileExcluded = 0;
        this.sentToFailed = 0;
        this.wastedWorkMs = 0;
        this.serverCompletions = 0;
        this.detectionDelay.reset();
        this.trafficReturnDelay.reset();
        this.pool.resetStats();
        break;
      case EventKind.Fail:
        if (this.lifecycleId[target] === id) this.failServer(target);
        break;
      case EventKind.Repair:
        if (this.lifecycleId[target] === id) this.repairServer(target);
        break;
      case EventKind.Recovered:
        if (this.lifecycleId[target] === id) this.endRecovery(target);
        break;
      case EventKind.Report:
        this.reported!.set(this.pool.load);
        if (!this.finished()) this.sim.schedule(this.sim.now + this.refreshMs, EventKind.Report, 0);
        break;
      case EventKind.Outage: {
        const outage = this.failures!.outages[target];
        for (const s of outage.servers) this.failServer(s, this.sim.now + outage.forMs);
        break;
      }
      case EventKind.Slowdown:
      case EventKind.SlowdownEnd: {
        const slow = this.failures!.slowdowns![target];
        for (const s of slow.servers) this.pool.speed[s] = kind === EventKind.Slowdown ? this.baseSpeed[s] / slow.factor : this.baseSpeed[s];
        if (kind === EventKind.Slowdown) this.sim.schedule(this.sim.now + slow.forMs, EventKind.SlowdownEnd, target);
        break;
      }
      case EventKind.ZoneFail: {
        // The whole zone goes down for one repair time; the next zone failure follows its repair.
        const zone = this.failures!.zones![target], now = this.sim.now;
        const back = now + this.zoneRepair[target].sample(this.failureRng);
        for (const s of zone.servers) this.failServer(s, back);
        if (!this.finished()) this.sim.schedule(back + this.zoneUp[target].sample(this.failureRng), EventKind.ZoneFail, target);
        break;
      }
      case EventKind.SlowStart:
        if (this.slowStartId[target] === id) this.slowStartStep(target);
        break;
      case EventKind.Probe:
        this.probe(target);
        break;
      case EventKind.ProbeFailed:
        if (this.health.probe(target, false)) this.healthChanged();
        break;
      case EventKind.Uneject:
        this.health.uneject(target);
        this.healthChanged();
        break;
    }
  }

  /** True when no request will arrive any more and none is in flight: the run is over. */
  finished(): boolean {
    return this.arrivalsDone && this.requests.live === 0;
  }

  // ---------------------------------------------------------------- arrivals

  private scheduleArrival(): void {
    const now = this.sim.now;
    const t = this.arrivalsLeft > 0 ? this.arrivals!.next(now) : Infinity;
    if (t === Infinity || t > this.stopAtMs) {
      // The window ends with the last of stop.requests arrivals, else at the stop time (if any).
      this.arrivalsDone = true;
      this.endWindow(this.arrivalsLeft === 0 || this.stopAtMs === Infinity ? now : this.stopAtMs);
      return;
    }
    this.pendingCostMs = this.arrivals!.costMs;
    this.pendingKey = this.arrivals!.key;
    this.arrivalsLeft--;
    this.sim.schedule(t, EventKind.Arrival, 0);
  }

  /**
   * Closed-loop client `client` thinks, then sends its next request; it stops once `stop.requests`
   * arrivals are scheduled or its next one would come after the stop time. Arrivals are done when
   * every client has stopped and no scheduled arrival is still to come.
   */
  private scheduleClosedArrival(client: number, now: number): void {
    const t = this.arrivalsLeft > 0 ? now + this.think!.sample(this.arrivalRng) : Infinity;
    if (t === Infinity || t > this.stopAtMs) {
      if (++this.clientsDone === this.closed!.clients && this.pendingArrivals === 0) {
        this.arrivalsDone = true;
        this.endWindow(t === Infinity ? now : this.stopAtMs);
        if (this.finished()) this.sim.stop();
      }
      return;
    }
    this.arrivalsLeft--;
    this.pendingArrivals++;
    this.sim.schedule(t, EventKind.Arrival, client);
  }

  /** A request arrives from `source` (a closed-loop client, or 0): its row, cost, key and counts; the next arrival scheduled. */
  private admit(source: number): number {
    const now = this.sim.now;
    const table = this.requests;
    const r = table.alloc();
    this.sim.eventLimit += this.eventsPerArrival;
    if (this.closed) {
      this.fromClient(r, source);
      if (--this.pendingArrivals === 0 && this.arrivalsLeft === 0) {
        this.arrivalsDone = true; // the last request of the run
        this.endWindow(now);
      }
    } else {
      const cost = this.pendingCostMs;
      table.costMs[r] = cost === cost ? cost : this.service.sample(this.serviceRng);
      table.key[r] = this.pendingKey >= 0 ? this.pendingKey : this.keyOf ? this.keyOf(this.keyRng) : 0;
      this.scheduleArrival();
    }
    table.arrivalMs[r] = now;
    const measured = this.measuring ? 1 : 0;
    table.measured[r] = measured;
    if (measured) {
      this.arrived++;
      this.inFlight++;
    }
    return r;
  }

  /** Row `r` is a closed-loop client's request: no trace dictates its cost or key. */
  private fromClient(r: number, client: number): void {
    const table = this.requests;
    table.client[r] = client;
    table.costMs[r] = this.service.sample(this.serviceRng);
    table.key[r] = this.keyOf ? this.keyOf(this.keyRng) : 0;
  }

  private arrive(source: number): void {
    const r = this.admit(source), now = this.sim.now, table = this.requests;
    const client = this.client;
    if (client) {
      this.budget?.deposit(now);
      if (client.deadlineMs !== undefined) table.deadlineId[r] = this.sim.scheduleLane(this.lanes.deadline, now + client.deadlineMs, EventKind.Deadline, r);
      if (client.hedge) this.scheduleHedge(r);
    }
    this.sendAttempt(r, r);
  }

  // ---------------------------------------------------------------- attempts

  /** Sends an attempt of request `p` held by row `r` (`r === p`, or a fresh hedge row). */
  private sendAttempt(p: number, r: number): void {
    const now = this.sim.now, table = this.requests, pool = this.pool;
    if (r === p && table.attempts[p] > 0) table.state[r] = A.Initiated; // a retry: a new attempt on the same row
    if (this.attemptServiceRng && (r !== p || table.attempts[p] > 0)) table.costMs[r] = this.service.sample(this.attemptServiceRng);
    table.server[r] = -1;
    table.attempts[p]++;
    table.liveAttempts[p]++;
    table.atServer[r] = 1;
    table.sentMs[r] = now;
    if (table.measured[p]) this.attemptsSent++;
    const b = this.instanceFor();
    table.balancer[r] = b;
    this.dispatch(p, r, b, this.balancers[b].pick(table.key[p]));
  }

  /** Which balancer instance the next attempt arrives at. */
  private instanceFor(): number {
    const nb = this.balancers.length;
    return nb === 1 ? 0 : this.assignRandom ? Math.floor(this.fleetRng.next() * nb) : this.nextInstance++ % nb;
  }

  /** Sends row `r`'s attempt (of request `p`), counted at balancer instance `b`, to server `s`. */
  private dispatch(p: number, r: number, b: number, s: number): void {
    const now = this.sim.now, table = this.requests, pool = this.pool;
    if (s < 0) {
      this.endAtServer(r, A.Rejected);
      return;
    }
    table.server[r] = s;
    if (this.observer) this.observer.dispatched?.(r, s);
    if (this.awaitingTraffic[s] === 1) {
      this.awaitingTraffic[s] = 0;
      if (this.measuring) this.trafficReturnDelay.add(now - this.repairedAt[s]);
    }
    const client = this.client;
    if (pool.state[s] === ServerState.Failed) {
      if (this.measuring) this.sentToFailed++;
      const connectMs = client ? client.connectTimeoutMs : 0;
      if (connectMs > 0) {
        // The connection hangs until the client's connect timeout.
        table.counted[r] = 1;
        this.own[b][s]++;
        table.timeoutId[r] = this.sim.scheduleLane(this.lanes.refused, now + connectMs, EventKind.Refused, r);
      } else {
        this.endAtServer(r, A.Failed);
      }
      return;
    }
    if (pool.inService[s] < pool.concurrency[s]) {
      table.counted[r] = 1;
      this.own[b][s]++;
      this.setAttempt(r, A.InService);
      pool.startService(s);
      this.beginService(r, s);
    } else if (pool.queueLimit[s] < 0 || pool.queueLength[s] < pool.queueLimit[s]) {
      table.counted[r] = 1;
      this.own[b][s]++;
      this.setAttempt(r, A.Pending);
      pool.enqueue(s, r, table.nextInQueue, table.prevInQueue);
    } else {
      pool.dropped[s]++;
      this.endAtServer(r, A.Dropped);
      return;
    }
    if (client?.timeoutMs !== undefined) table.timeoutId[r] = this.sim.scheduleLane(this.lanes.timeout, now + client.timeoutMs, EventKind.AttemptTimeout, r);
    this.syncRequest(p);
  }

  /** Schedules the departure of `r`, which holds one of server `s`'s slots from `now`. */
  private beginService(r: number, s: number): void {
    const table = this.requests, pool = this.pool, now = this.sim.now;
    table.startMs[r] = now;
    const speed = pool.state[s] === ServerState.Recovering ? this.warmingSpeed(s) : pool.speed[s];
    const endMs = now + table.costMs[r] / speed;
    if (!(endMs >= now)) throw new RangeError(`request ${r} would end at ${endMs} ms, before now (${now} ms)`);
    table.endMs[r] = endMs;
    table.departId[r] = this.sim.queue.push(endMs, (r << KIND_BITS) | EventKind.Departure);
  }

  /** The speed of recovering server `s` now: 10% of its speed at the repair, 100% after `warmupMs`. */
  private warmingSpeed(s: number): number {
    return this.pool.speed[s] * (0.1 + 0.9 * Math.min(1, (this.sim.now - this.recoveringSince[s]) / this.failures!.warmupMs));
  }

  private depart(r: number): void {
    const table = this.requests, pool = this.pool, now = this.sim.now, s = table.server[r];
    pool.completed[s]++;
    this.serverCompletions++;
    table.departId[r] = -1;
    if (table.call[r] < 0) this.wastedWorkMs += now - table.startMs[r];
    this.endAtServer(r, A.Succeeded);
    this.serveNext(s);
  }

  /** A slot of server `s` is free: the next waiting request (by discipline) takes it. */
  private serveNext(s: number): void {
    const pool = this.pool, table = this.requests, now = this.sim.now;
    let r = -1;
    if (pool.queueLength[s] > 0) {
      const discipline = pool.discipline[s];
      if (discipline === Discipline.Fifo) r = pool.queueHead[s];
      else if (discipline === Discipline.Lifo) r = pool.queueTail[s];
      else r = this.adaptivePick(s);
    }
    if (r < 0) {
      pool.endService(s);
      return;
    }
    // The slot passes straight to the next request: the server stays busy.
    pool.remove(s, r, table.nextInQueue, table.prevInQueue);
    this.setAttempt(r, A.InService);
    if (table.call[r] >= 0) this.syncRequest(table.call[r]);
    this.beginService(r, s);
  }

  /** Adaptive LIFO with controlled delay: sheds requests that waited too long, then picks one. */
  private adaptivePick(s: number): number {
    const pool = this.pool, table = this.requests, now = this.sim.now;
    const overloaded = now - pool.queueBusySince[s] > pool.queueIntervalMs[s];
    const bound = overloaded ? pool.queueTargetMs[s] : pool.queueIntervalMs[s];
    for (let r = pool.queueHead[s]; r >= 0 && now - table.sentMs[r] > bound; r = pool.queueHead[s]) {
      pool.remove(s, r, table.nextInQueue, table.prevInQueue);
      pool.dropped[s]++;
      this.endAtServer(r, A.Dropped);
    }
    return overloaded ? pool.queueTail[s] : pool.queueHead[s];
  }

  /**
   * Row `r`'s attempt leaves its server in terminal attempt state `state` (the server is already
   * done with it: slot and queue released by the caller). The client learns of it unless it had
   * stopped waiting (ghosts). The row is freed unless it is a primary still carrying its request.
   */
  private endAtServer(r: number, state: number): void {
    const table = this.requests;
    this.setAttempt(r, state);
    table.atServer[r] = 0;
    table.timeoutId[r] = -1;
    if (this.observer) this.observer.ended?.(r, state, table.server[r]);
    const p = table.call[r];
    if (p < 0) {
      this.releaseRow(r);
      return;
    }
    this.attemptOutcome(p, r, state);
  }

  /** The client sees attempt `r` of request `p` end in `state` (an AttemptState). */
  private attemptOutcome(p: number, r: number, state: number): void {
    const table = this.requests, now = this.sim.now;
    const s = table.server[r];
    const ok = state === A.Succeeded;
    if (table.counted[r] === 1) {
      table.counted[r] = 0;
      this.own[table.balancer[r]][s]--;
    }
    if (s >= 0 && this.observe) this.balancers[table.balancer[r]].observe!(s, now - table.sentMs[r], ok);
    if (s >= 0 && this.config.health?.outlier) {
      const ejectMs = this.health.observe(s, ok);
      if (ejectMs > 0) {
        this.sim.schedule(now + ejectMs, EventKind.Uneject, s);
        this.healthChanged();
      }
    }
    table.liveAttempts[p]--;
    if (r !== p) this.unlinkHedge(p, r);
    if (ok) {
      this.finishRequest(p, R.Succeeded);
      if (r !== p) this.releaseRow(r);
      return;
    }
    if (r !== p) this.releaseRow(r);
    if (table.liveAttempts[p] > 0) {
      this.syncRequest(p); // another copy is still out
      return;
    }
    const retry = this.client?.retries;
    if (retry && table.retries[p] < retry.max && (!this.budget || this.budget.tryWithdraw(now))) {
      const wait = backoffMs(retry, table.retries[p] + 1, table.backoffMs[p], this.clientRng);
      table.backoffMs[p] = wait;
      this.setRequest(p, R.Backoff);
      table.retryId[p] = this.sim.schedule(now + wait, EventKind.Retry, p);
      return;
    }
    this.finishRequest(p, state === A.TimedOut ? R.TimedOut : state === A.Dropped ? R.Dropped : state === A.Rejected ? R.Rejected : R.Failed);
  }

  /** Per-attempt timeout: the client stops waiting for attempt `r`. */
  private attemptTimeout(r: number): void {
    const table = this.requests;
    table.timeoutId[r] = -1;
    const p = table.call[r];
    this.abandon(r, A.TimedOut);
    this.attemptOutcome(p, r, A.TimedOut);
  }

  /** A connection to a server that was down is refused after the connect timeout. */
  private refused(r: number): void {
    this.endAtServer(r, A.Failed);
  }

  /**
   * The client stops waiting for row `r`'s attempt. With cancellation the server withdraws it
   * (it ends `endState`); without, a ghost row takes its place at the server and runs on.
   * The caller reports the outcome to the request.
   */
  private abandon(r: number, endState: number): void {
    const table = this.requests, pool = this.pool, now = this.sim.now, s = table.server[r];
    const state = table.state[r];
    table.atServer[r] = 0;
    table.timeoutId[r] = -1;
    if (state === A.Initiated) {
      // Still connecting to a server that is down: nothing is there.
      this.setAttempt(r, endState);
      if (this.observer) this.observer.ended?.(r, endState, s);
      return;
    }
    if (this.client?.cancel) {
      if (state === A.Pending) {
        pool.remove(s, r, table.nextInQueue, table.prevInQueue);
      } else {
        this.wastedWorkMs += now - table.startMs[r];
        table.departId[r] = -1;
      }
      this.setAttempt(r, endState);
      if (this.observer) this.observer.ended?.(r, endState, s);
      if (state === A.InService) {
        // Its slot is free; while a request withdraws its copies, the next is served afterwards.
        if (this.withdrawing > 0) this.freedSlots.push(s);
        else this.serveNext(s);
      }
      return;
    }
    // A ghost carries the work on.
    const g = table.alloc();
    table.call[g] = -1;
    table.state[g] = state;
    table.atServer[g] = 1;
    table.server[g] = s;
    table.costMs[g] = table.costMs[r];
    table.arrivalMs[g] = table.sentMs[r];
    table.sentMs[g] = table.sentMs[r];
    table.startMs[g] = table.startMs[r];
    table.balancer[g] = table.balancer[r];
    table.measured[g] = 0; // the attempt was counted on `r`; the ghost is only the server's side
    if (state === A.Pending) {
      pool.replace(s, r, g, table.nextInQueue, table.prevInQueue);
    } else {
      // Move the departure to the ghost: same time, new event.
      table.endMs[g] = table.endMs[r];
      table.departId[g] = this.sim.schedule(table.endMs[r], EventKind.Departure, g);
      table.departId[r] = -1;
    }
    this.setAttempt(r, endState);
    if (this.observer) {
      this.observer.replaced?.(r, g);
      this.observer.ended?.(r, endState, s);
    }
  }

  private hedge(p: number): void {
    const table = this.requests;
    table.hedgeId[p] = -1;
    const h = this.client!.hedge!;
    if (table.liveAttempts[p] === 0) return; // in backoff: the retry will come
    if (table.attempts[p] - 1 - table.retries[p] >= h.max) return; // hedges sent = attempts − first − retries
    const r = table.alloc();
    table.call[r] = p;
    table.measured[r] = table.measured[p];
    table.costMs[r] = table.costMs[p];
    table.arrivalMs[r] = this.sim.now;
    table.nextHedge[r] = table.hedgeHead[p];
    table.hedgeHead[p] = r;
    if (table.measured[p]) this.hedges++;
    this.sendAttempt(p, r);
    this.scheduleHedge(p);
  }

  private scheduleHedge(p: number): void {
    const h = this.client!.hedge!;
    let delay = h.afterMs ?? Infinity;
    if (h.percentile !== undefined && this.latency.count >= 100) delay = this.latency.quantile(h.percentile / 100);
    if (delay === Infinity) return;
    this.requests.hedgeId[p] = this.sim.scheduleLane(this.lanes.hedge, this.sim.now + delay, EventKind.Hedge, p);
  }

  private unlinkHedge(p: number, r: number): void {
    const table = this.requests;
    if (table.hedgeHead[p] === r) {
      table.hedgeHead[p] = table.nextHedge[r];
      return;
    }
    for (let x = table.hedgeHead[p]; x >= 0; x = table.nextHedge[x]) {
      if (table.nextHedge[x] === r) {
        table.nextHedge[x] = table.nextHedge[r];
        return;
      }
    }
  }

  /** The overall deadline passed: the request ends timed out; its attempts are abandoned. */
  private deadline(p: number): void {
    const table = this.requests;
    table.deadlineId[p] = -1;
    this.finishRequest(p, R.TimedOut);
  }

  // ---------------------------------------------------------------- request state

  /** In service if a copy is being served, pending if one waits; other states are set directly. */
  private syncRequest(p: number): void {
    const table = this.requests;
    const current = table.callState[p];
    if (current >= R.Succeeded && current <= R.Rejected) return; // ending: its copies are being withdrawn
    let best = table.atServer[p] === 1 ? table.state[p] : -1;
    for (let x = table.hedgeHead[p]; x >= 0; x = table.nextHedge[x]) {
      if (table.state[x] === A.InService || (table.state[x] === A.Pending && best !== A.InService)) best = table.state[x];
    }
    if (best === A.InService) this.setRequest(p, R.InService);
    else if (best === A.Pending) this.setRequest(p, R.Pending);
  }

  private setRequest(p: number, to: number): void {
    const table = this.requests;
    const from = table.callState[p];
    if (from === to && to !== R.Backoff) return;
    if (this.checked && REQUEST_ALLOWED[from * NREQ + to] === 0) throw new IllegalTransitionError(REQUEST_MACHINE, from, to, p);
    table.callState[p] = to;
    if (table.measured[p]) this.requestTransitions[from * NREQ + to]++;
  }

  private setAttempt(r: number, to: number): void {
    const table = this.requests;
    const from = table.state[r];
    if (this.checked && ATTEMPT_ALLOWED[from * NATT + to] === 0) throw new IllegalTransitionError(ATTEMPT_MACHINE, from, to, r);
    table.state[r] = to;
    if (table.measured[r]) this.attemptTransitions[from * NATT + to]++;
  }

  /**
   * Request `p` ends in terminal state `to`: counted, its pending client events forgotten, its
   * remaining copies abandoned (cancelled or left running as ghosts), its row freed unless its
   * own attempt is still at a server as a ghost... (a primary's own attempt is abandoned too).
   */
  private finishRequest(p: number, to: number): void {
    const table = this.requests, now = this.sim.now;
    this.setRequest(p, to);
    table.deadlineId[p] = -1;
    table.retryId[p] = -1;
    table.hedgeId[p] = -1;
    if (to === R.Succeeded) this.successes++;
    if (table.measured[p]) {
      this.inFlight--;
      switch (to) {
        case R.Succeeded: {
          const latencyMs = now - table.arrivalMs[p];
          this.succeeded++;
          this.latency.record(latencyMs);
          this.latencyStats.add(latencyMs);
          break;
        }
        case R.Failed: this.failed++; break;
        case R.TimedOut: this.timedOut++; break;
        case R.Dropped: this.dropped++; break;
        case R.Rejected: this.rejected++; break;
      }
    }
    // Copies still out lost the race (or the deadline passed): withdraw or abandon them. Slots
    // they free are served once all are withdrawn, or serving one (adaptive LIFO sheds the
    // queue) could end a copy of this very request that the loop has yet to reach.
    const freedFrom = this.freedSlots.length;
    this.withdrawing++;
    for (let x = table.hedgeHead[p]; x >= 0; ) {
      const next = table.nextHedge[x];
      this.releaseCopy(x, to === R.TimedOut ? A.TimedOut : A.Cancelled);
      this.releaseRow(x); // withdrawn, or a ghost carries its work now
      x = next;
    }
    table.hedgeHead[p] = -1;
    if (table.atServer[p] === 1) {
      this.releaseCopy(p, to === R.TimedOut ? A.TimedOut : A.Cancelled);
    }
    this.withdrawing--;
    if (this.freedSlots.length > freedFrom) {
      const freed = this.freedSlots.splice(freedFrom);
      for (const s of freed) this.serveNext(s);
    }
    const client = table.client[p];
    this.releaseRow(p);
    if (client >= 0) this.scheduleClosedArrival(client, now);
  }

  /** A copy the request no longer needs: its balancer's books closed, the work withdrawn or ghosted. */
  private releaseCopy(x: number, endState: number): void {
    const table = this.requests;
    if (table.counted[x] === 1) {
      table.counted[x] = 0;
      const b = table.balancer[x], s = table.server[x];
      this.own[b][s]--;
      if (this.observe) this.balancers[b].observe!(s, NaN, false); // withdrawn: no response to learn from
    }
    this.abandon(x, endState);
  }

  private releaseRow(r: number): void {
    this.requests.release(r);
    if (this.finished()) this.sim.stop();
  }

  // ---------------------------------------------------------------- servers

  /**
   * Sets server `s`'s speed (its normal speed, to which a scripted slowdown returns); it applies
   * to requests starting from now on.
   */
  setSpeed(s: number, speed: number): void {
    if (!(speed > 0 && Number.isFinite(speed))) throw new RangeError(`speed must be a positive number, got ${speed}`);
    this.baseSpeed[s] = speed;
    this.pool.speed[s] = speed;
  }

  private scheduleFailure(s: number): void {
    if (this.upTime) this.lifecycleId[s] = this.sim.schedule(this.sim.now + this.upTime.sample(this.failureRng), EventKind.Fail, s);
    else this.lifecycleId[s] = -1;
  }

  /**
   * Takes server `s` down now: requests in service and waiting there end as failed. It comes
   * back at `untilMs` (default: after a repair time drawn from the failure process; never when
   * there is none, until `repairServer`). Without health checks balancers stop choosing it at once.
   */
  failServer(s: number, untilMs?: number): void {
    const pool = this.pool, table = this.requests, now = this.sim.now;
    if (pool.state[s] === ServerState.Failed) {
      if (untilMs !== undefined) this.lifecycleId[s] = this.sim.schedule(Math.max(now, untilMs), EventKind.Repair, s);
      return;
    }
    if (this.measuring) this.failuresObserved++;
    pool.setState(s, ServerState.Failed);
    this.failedAt[s] = now;
    // A detection is the moment balancers stop choosing the server: none when they already don't.
    const chosen = this.health.eligible[s];
    this.undetected[s] = chosen;
    if (chosen === 0 && this.measuring) this.failuresWhileExcluded++;
    for (let r = pool.queueHead[s]; r >= 0; r = pool.queueHead[s]) {
      pool.remove(s, r, table.nextInQueue, table.prevInQueue);
      this.endAtServer(r, A.Failed);
    }
    // Requests in service: found by scanning the table (failures are rare; no per-server list).
    for (let r = 0; r < table.size && pool.inService[s] > 0; r++) {
      if (table.server[r] === s && table.atServer[r] === 1 && table.state[r] === A.InService) {
        table.departId[r] = -1;
        pool.endService(s);
        this.endAtServer(r, A.Failed);
      }
    }
    // Attempts still connecting to it (connect timeout) fail with it too: nothing to do, they will.
    this.observer?.serverChanged?.(s, ServerState.Failed);
    if (this.oracleHealth) {
      this.health.healthy[s] = 0;
      this.healthChanged();
    }
    const until = untilMs ?? (this.repairTime ? now + this.repairTime.sample(this.failureRng) : Infinity);
    this.lifecycleId[s] = until === Infinity ? -1 : this.sim.schedule(until, EventKind.Repair, s);
  }

  /** Brings a failed server back: `recovering` for the warm-up, then idle. */
  repairServer(s: number): void {
    const pool = this.pool, now = this.sim.now;
    if (pool.state[s] !== ServerState.Failed) return;
    const warmup = this.failures?.warmupMs ?? 0;
    this.repairedAt[s] = now;
    this.awaitingTraffic[s] = 1;
    this.undetected[s] = 0;
    if (warmup > 0) {
      pool.setState(s, ServerState.Recovering);
      this.recoveringSince[s] = now;
      this.lifecycleId[s] = this.sim.schedule(now + warmup, EventKind.Recovered, s);
      this.observer?.serverChanged?.(s, ServerState.Recovering);
    } else {
      pool.setState(s, ServerState.Idle);
      this.observer?.serverChanged?.(s, ServerState.Idle);
      this.scheduleFailure(s);
    }
    if (this.oracleHealth) {
      this.health.healthy[s] = 1;
      this.healthChanged();
    }
  }

  private endRecovery(s: number): void {
    const state = this.pool.inService[s] > 0 ? ServerState.Busy : ServerState.Idle;
    this.pool.setState(s, state);
    this.observer?.serverChanged?.(s, state);
    this.scheduleFailure(s);
  }

  /** An active health probe of server `s`; a probe of a down server fails after the timeout. */
  private probe(s: number): void {
    const checks = this.config.health!.checks!, now = this.sim.now;
    if (this.pool.state[s] === ServerState.Failed) {
      this.sim.schedule(now + checks.timeoutMs, EventKind.ProbeFailed, s);
    } else if (this.health.probe(s, true)) {
      this.healthChanged();
    }
    if (!this.finished()) this.sim.schedule(now + checks.intervalMs, EventKind.Probe, s);
  }

  /** Eligibility may have changed: recompute it, measure detection, rebuild derived structures. */
  private healthChanged(): void {
    if (!this.health.update()) return;
    const now = this.sim.now, eligible = this.health.eligible;
    const slowStartMs = this.config.health?.slowStartMs ?? 0;
    for (let s = 0; s < this.pool.size; s++) {
      if (this.undetected[s] === 1 && eligible[s] === 0) {
        this.undetected[s] = 0;
        if (this.measuring) this.detectionDelay.add(now - this.failedAt[s]);
      }
      if (eligible[s] !== this.wasEligible[s]) {
        this.wasEligible[s] = eligible[s];
        if (eligible[s] === 1 && slowStartMs > 0) {
          this.slowStartSince[s] = now;
          this.slowStartStep(s, false);
        } else if (eligible[s] === 0) {
          this.slowStartId[s] = -1;
          this.effectiveWeight[s] = this.pool.weight[s];
        }
      }
    }
    for (const b of this.balancers) b.rebuild?.();
  }

  /**
   * Slow start (Envoy, NGINX `slow_start`): a server that becomes eligible again gets an effective
   * weight ramping linearly from 10% to 100% of its weight over `health.slowStartMs`, updated in
   * ten steps. Only policies that use weights notice.
   */
  private slowStartStep(s: number, rebuild = true): void {
    const window = this.config.health!.slowStartMs!, now = this.sim.now;
    const fraction = (now - this.slowStartSince[s]) / window;
    if (fraction >= 1) {
      this.effectiveWeight[s] = this.pool.weight[s];
      this.slowStartId[s] = -1;
    } else {
      this.effectiveWeight[s] = this.pool.weight[s] * Math.max(0.1, fraction);
      this.slowStartId[s] = this.sim.schedule(now + window / 10, EventKind.SlowStart, s);
    }
    if (rebuild) for (const b of this.balancers) b.rebuild?.();
  }
}

function emptyCounts(n: number): Pick<PoolWindow, 'busyMs' | 'queueArea' | 'stateTimeMs' | 'completed' | 'dropped'> {
  return {
    busyMs: new Float64Array(n), queueArea: new Float64Array(n), stateTimeMs: new Float64Array(n * 4),
    completed: new Float64Array(n), dropped: new Float64Array(n),
  };
}

/**
 * Draws request keys: uniform over `count` keys, or Zipf (P(k) ∝ 1/(k+1)^exponent, k = 0 is the
 * hottest) by binary search in a precomputed CDF (`count` doubles of memory).
 */
function createKeySampler(spec: KeySpec): (rng: Rng) => number {
  const n = spec.count;
  if (spec.dist === 'uniform') return (rng) => Math.floor(rng.next() * n);
  const cdf = new Float64Array(n);
  let total = 0;
  for (let k = 0; k < n; k++) cdf[k] = total += 1 / (k + 1) ** spec.exponent;
  for (let k = 0; k < n; k++) cdf[k] /= total;
  return (rng) => {
    const u = rng.next();
    let lo = 0, hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}
