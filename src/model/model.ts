/**
 * The simulated world: clients → balancer(s) → servers. The Model wires its parts together —
 * Workload (what arrives), BalancerFleet (the balancers and what they know), FailureProcess
 * (servers failing and coming back), HealthMonitor (what balancers learn of it), ClientPolicy
 * (timeouts, retries, hedges), Stats (what is measured) and RequestFlow (a request's way through
 * them) — and drives them with one `switch` over integer event kinds. Requests and servers live
 * in typed arrays; nothing is allocated per request.
 */
import { Simulation, EventLimitError, TimeLimitError, type Handler, MAX_TARGET } from '../engine/simulation.js';
import type { DistributionSpec } from '../random/distributions.js';
import type { ArrivalSpec } from './arrivals.js';
import { ServerPool, type ServerSpec } from './server-pool.js';
import { RequestTable, InFlightLimitError } from './request-table.js';
import * as rows from './request-table.js';
import { AttemptState, RequestState, ServerState } from './states.js';
import type { ClientConfig } from './client.js';
import type { HealthConfig, HealthView } from './health.js';
import type { Balancer, BalancerContext } from '../balancers/balancer.js';
import { RunLimitError, timeLimitError, EVENTS_BASE, EVENTS_PER_ARRIVAL, DEFAULT_MAX_IN_FLIGHT } from './run-limit-error.js';
import { Stats } from './stats.js';
import { Workload, type ClosedLoopSpec, type KeySpec } from './workload.js';
import { BalancerFleet } from './balancer-view.js';
import { FailureProcess, type FailureConfig } from './failures.js';
import { HealthMonitor } from './health-monitor.js';
import { ClientPolicy } from './client-policy.js';
import { EventKind } from './event-kind.js';
import { RequestFlow } from './request-flow.js';
import type { ModelObserver } from './model-observer.js';

/** The row layout (request-table.ts) as module constants, which V8 folds into optimized code (imported bindings it loads at every use). */
const { F_DEPART_ID, F_TIMEOUT_ID, I_MEASURED, I_RETRIES, ROW_F64, ROW_I32 } = rows;

export { EventKind } from './event-kind.js';
export type { ClosedLoopSpec, KeySpec } from './workload.js';
export type { FailureConfig } from './failures.js';
export type { MeasuredWindow } from './stats.js';
export type { ModelObserver } from './model-observer.js';

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
  /** "request" (default) or "attempt": see WorkloadSpec.serviceScope. */
  serviceScope?: 'request' | 'attempt';
  balancer: { name: string; options: Record<string, unknown> };
  /** Independent balancer instances, each request arriving at one of them (default 1). */
  fleet?: { count: number; assign: 'round-robin' | 'random' };
  /** What load-aware policies read as `outstanding`: see FleetSpec.view. */
  view?: { load: 'own' | 'reported'; refreshMs: number };
  /** Hash keys of requests: uniform over `count` keys or Zipf with `exponent`. Default: all 0. */
  keys?: KeySpec;
  failures?: FailureConfig;
  health?: HealthConfig;
  client?: ClientConfig;
  /** How figures are kept: latency percentiles to `significantDigits` (1–4, default 3: 0.1%). */
  metrics?: { significantDigits: number };
}

const R = RequestState;
const A = AttemptState;
/** The two hot kinds as module constants (an import is loaded from its module cell, with a TDZ check, at every use). */
const ARRIVAL = EventKind.Arrival, DEPARTURE = EventKind.Departure;

export class Model implements Handler {
  readonly sim = new Simulation();
  readonly pool: ServerPool;
  readonly requests = new RequestTable();
  readonly stats: Stats;
  readonly workload: Workload;
  readonly fleet: BalancerFleet;
  readonly failures: FailureProcess;
  readonly monitor: HealthMonitor;
  readonly client: ClientPolicy;
  readonly flow: RequestFlow;
  /** The balancer instances (one unless `fleet.count` says otherwise) and their views. */
  readonly balancers: Balancer[];
  readonly contexts: BalancerContext[];
  /** The first instance and its view (the only one in most scenarios). */
  readonly balancer: Balancer;
  readonly balancerContext: BalancerContext;
  /** What the balancers believe about health. */
  readonly health: HealthView;
  /** When true every event takes the general handlers (the short path is off); see `runUntil`. */
  general = false;
  warmupMs: number;

  constructor(readonly config: ModelConfig) {
    const { seed } = config;
    const sim = this.sim;
    sim.setHandler(this);
    this.pool = new ServerPool(config.servers, sim);
    const n = this.pool.size;
    if (n > MAX_TARGET / 2) throw new RangeError(`at most ${MAX_TARGET / 2} servers`);
    this.warmupMs = config.stop.warmupMs;
    this.stats = new Stats(this.pool, sim, this.warmupMs, config.metrics?.significantDigits);
    this.workload = new Workload(config, sim);
    // Parts that schedule events at the start do so in this order (it fixes ties at equal times).
    this.fleet = new BalancerFleet(config, this.pool, sim, seed);
    this.balancers = this.fleet.balancers;
    this.contexts = this.fleet.contexts;
    this.balancer = this.balancers[0];
    this.balancerContext = this.contexts[0];
    if (this.fleet.watchesLoad) this.pool.watch = this.fleet;
    if (this.fleet.refreshMs > 0) sim.schedule(this.fleet.refreshMs, EventKind.Report, 0);
    this.client = new ClientPolicy(config.client, sim, seed);
    this.failures = new FailureProcess(config.failures, this.pool, sim, seed);
    this.monitor = new HealthMonitor(config.health, this.pool, this.fleet, this.failures, this.stats, sim, { finished: () => this.finished() });
    this.health = this.monitor.view;
    this.monitor.start(seed);
    const c = config.client, table = this.requests;
    table.retryFields = c?.retries !== undefined;
    table.hedgeFields = c?.hedge !== undefined;
    table.deadlineFields = c?.deadlineMs !== undefined;
    table.sourceFields = config.arrivals.process === 'closed';

    const { maxEvents, maxInFlight } = config.stop;
    sim.eventLimit = maxEvents ?? EVENTS_BASE;
    this.requests.maxRows = maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    this.flow = new RequestFlow(
      sim, this.pool, this.requests, this.stats, this.workload, this.fleet, this.failures, this.monitor, this.client,
      maxEvents === undefined ? EVENTS_PER_ARRIVAL : 0,
    );
    if (this.warmupMs > 0) sim.schedule(this.warmupMs, EventKind.WarmupEnd, 0);
    try {
      this.flow.arrivalsEnd(this.workload.start());
    } catch (e) {
      throw this.limitError(e); // a first arrival beyond the time bound (a tiny rate)
    }
  }

  /** When true every request, attempt and server transition is checked against its machine. */
  get checked(): boolean {
    return this.flow.checked;
  }

  set checked(on: boolean) {
    this.flow.checked = on;
  }

  /** Watches the run (an animation); null when none. */
  get observer(): ModelObserver | null {
    return this.flow.observer;
  }

  set observer(observer: ModelObserver | null) {
    this.flow.observer = observer;
  }

  /** Runs to the end of the scenario (all requests done, or the time limit). */
  run(): void {
    this.runUntil(this.workload.stopAtMs);
    this.stats.runEnded(); // a run that ended before its window did is idle until the window's end
    this.pool.flush();
  }

  /**
   * `sim.runUntil(tMs)`, with a short path. A request that arrives, is sent to a server that is
   * up and takes it, is served first come first served and succeeds as its only copy out — nearly
   * every request of a benchmark, with or without client timeouts, deadlines, retries, hedges or
   * a closed loop — goes through the flow's `shortArrival` and `shortDeparture` (see RequestFlow).
   * The path is chosen here, once per call: runs with an observer, checked transitions or
   * `general` set take the general handlers throughout. Same events, same order, same draws:
   * tests hold both paths to byte-identical summaries on random scenarios.
   */
  runUntil(tMs: number): number {
    const short = this.observer === null && !this.checked && !this.general;
    try {
      return this.sim.runUntil(tMs, short ? this.shortPath : this);
    } catch (e) {
      throw this.limitError(e);
    }
  }

  /** True when no request will arrive any more and none is in flight: the run is over. */
  finished(): boolean {
    return this.flow.finished();
  }

  // ---------------------------------------------------------------- events

  /** The handler of `runUntil`'s short path: arrivals and departures, the rest as `handle`. */
  private readonly shortPath: Handler = {
    handle: (kind, r) => {
      if (kind === ARRIVAL) this.flow.shortArrival(r);
      else if (kind === DEPARTURE) {
        if (this.requests.f64[r * ROW_F64 + F_DEPART_ID] === this.sim.currentEventId && !this.flow.shortDeparture(r)) this.flow.depart(r);
      } else this.handleRare(kind, r);
    },
  };

  handle(kind: number, target: number): void {
    // The two hot events first, in a body small enough for V8 to inline into the event loop.
    if (kind === DEPARTURE) {
      if (this.requests.f64[target * ROW_F64 + F_DEPART_ID] === this.sim.currentEventId) this.flow.depart(target);
    } else if (kind === ARRIVAL) {
      this.flow.arrive(target);
    } else {
      this.handleRare(kind, target);
    }
  }

  private handleRare(kind: number, target: number): void {
    const id = this.sim.currentEventId, t = this.requests, failures = this.failures, flow = this.flow;
    switch (kind) {
      case EventKind.AttemptTimeout:
        if (t.f64[target * ROW_F64 + F_TIMEOUT_ID] === id) flow.attemptTimeout(target);
        break;
      case EventKind.Refused:
        if (t.f64[target * ROW_F64 + F_TIMEOUT_ID] === id) flow.endAtServer(target, A.Failed); // the connect timeout
        break;
      case EventKind.Deadline:
        if (t.deadlineId[target] === id) {
          t.deadlineId[target] = -1;
          flow.finishRequest(target, R.TimedOut);
        }
        break;
      case EventKind.Retry:
        if (t.retryId[target] === id) {
          t.retryId[target] = -1;
          if (t.i32[target * ROW_I32 + I_MEASURED]) this.stats.retries++;
          t.i32[target * ROW_I32 + I_RETRIES]++;
          flow.sendAttempt(target, target);
        }
        break;
      case EventKind.Hedge:
        if (t.hedgeId[target] === id) flow.hedge(target);
        break;
      case EventKind.WindowEnd:
        this.stats.closeWindow(this.sim.now);
        break;
      case EventKind.WarmupEnd:
        if (!this.stats.windowClosed) this.stats.warmupEnded(); // else every arrival came during the warm-up
        break;
      case EventKind.Fail:
        if (failures.lifecycleId[target] === id) this.failServer(target);
        break;
      case EventKind.Repair:
        if (failures.lifecycleId[target] === id) this.repairServer(target);
        break;
      case EventKind.Recovered:
        if (failures.lifecycleId[target] === id) this.endRecovery(target);
        break;
      case EventKind.Report:
        this.fleet.report();
        if (!this.finished()) this.sim.schedule(this.sim.now + this.fleet.refreshMs, EventKind.Report, 0);
        break;
      case EventKind.Outage: {
        const outage = failures.config!.outages[target];
        for (const s of outage.servers) this.failServer(s, this.sim.now + outage.forMs);
        break;
      }
      case EventKind.Slowdown:
      case EventKind.SlowdownEnd:
        failures.slowdown(target, kind === EventKind.Slowdown);
        break;
      case EventKind.ZoneFail: {
        // The whole zone goes down for one repair time; the next zone failure follows its repair.
        const back = failures.zoneDown(target);
        for (const s of failures.config!.zones![target].servers) this.failServer(s, back);
        if (!this.finished()) failures.scheduleZone(target, back);
        break;
      }
      case EventKind.SlowStart:
        if (this.monitor.slowStartId[target] === id) this.monitor.slowStartStep(target);
        break;
      case EventKind.Probe:
        this.monitor.probe(target);
        break;
      case EventKind.ProbeFailed:
        this.monitor.probeFailed(target);
        break;
      case EventKind.Uneject:
        this.monitor.uneject(target);
        break;
    }
  }

  // ---------------------------------------------------------------- servers

  /**
   * Sets server `s`'s speed (its normal speed, to which a scripted slowdown returns); it applies
   * to requests starting from now on.
   */
  setSpeed(s: number, speed: number): void {
    if (!(speed > 0 && Number.isFinite(speed))) throw new RangeError(`speed must be a positive number, got ${speed}`);
    this.failures.baseSpeed[s] = speed;
    this.pool.setSpeed(s, speed);
  }

  /**
   * Takes server `s` down now: requests in service and waiting there end as failed. It comes
   * back at `untilMs` (default: after a repair time drawn from the failure process; never when
   * there is none, until `repairServer`). Without health checks balancers stop choosing it at once.
   */
  failServer(s: number, untilMs?: number): void {
    const pool = this.pool, now = this.sim.now, failures = this.failures, stats = this.stats;
    if (pool.state[s] === ServerState.Failed) {
      if (untilMs !== undefined) failures.lifecycleId[s] = this.sim.schedule(Math.max(now, untilMs), EventKind.Repair, s);
      return;
    }
    if (stats.measuring) stats.failuresObserved++;
    pool.setState(s, ServerState.Failed);
    failures.failedAt[s] = now;
    // A detection is the moment balancers stop choosing the server: none when they already don't.
    const chosen = this.health.eligible[s];
    failures.undetected[s] = chosen;
    if (chosen === 0 && stats.measuring) stats.failuresWhileExcluded++;
    this.flow.abortServer(s);
    this.observer?.serverChanged?.(s, ServerState.Failed);
    if (this.monitor.oracle) this.monitor.oracleSaw(s, false);
    const until = untilMs ?? failures.repairedBy(now);
    failures.lifecycleId[s] = until === Infinity ? -1 : this.sim.schedule(until, EventKind.Repair, s);
  }

  /** Brings a failed server back: `recovering` for the warm-up, then idle. */
  repairServer(s: number): void {
    const pool = this.pool, now = this.sim.now, failures = this.failures;
    if (pool.state[s] !== ServerState.Failed) return;
    const warmup = failures.warmupMs;
    failures.repairedAt[s] = now;
    failures.awaitingTraffic[s] = 1;
    failures.undetected[s] = 0;
    if (warmup > 0) {
      pool.setState(s, ServerState.Recovering);
      failures.recoveringSince[s] = now;
      failures.lifecycleId[s] = this.sim.schedule(now + warmup, EventKind.Recovered, s);
      this.observer?.serverChanged?.(s, ServerState.Recovering);
    } else {
      pool.setState(s, ServerState.Idle);
      this.observer?.serverChanged?.(s, ServerState.Idle);
      failures.scheduleFailure(s);
    }
    if (this.monitor.oracle) this.monitor.oracleSaw(s, true);
  }

  private endRecovery(s: number): void {
    const state = this.pool.inServiceOf(s) > 0 ? ServerState.Busy : ServerState.Idle;
    this.pool.setState(s, state);
    this.observer?.serverChanged?.(s, state);
    this.failures.scheduleFailure(s);
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
    if (e instanceof TimeLimitError) return timeLimitError(e);
    if (e instanceof InFlightLimitError) {
      return new RunLimitError('stop.maxInFlight', e.limit,
        `more than ${e.limit.toLocaleString('en')} requests (with their hedges and abandoned attempts) in flight at once at ${this.sim.now} ms of simulated time: they ` +
        'arrive faster than the servers finish them (offered load ≥ 1 with unbounded queues?); bound the waiting room with ' +
        `servers[].queueLimit, or set stop.maxInFlight higher (default ${DEFAULT_MAX_IN_FLIGHT.toLocaleString('en')})`);
    }
    return e;
  }
}

