/**
 * The simulated world: clients → balancer(s) → servers, and the flow of a request through it.
 * One `switch` over integer event kinds drives it; requests and servers live in typed arrays;
 * nothing is allocated per request. The concerns around the flow are parts of their own:
 * Workload (what arrives), BalancerFleet (the balancers and what they know), FailureProcess
 * (servers failing and coming back), HealthMonitor (what balancers learn of it), ClientPolicy
 * (timeouts, retries, hedges) and Stats (what is measured).
 *
 * A request (REQUEST_MACHINE) arrives and its client sends an attempt (ATTEMPT_MACHINE): the
 * balancer picks a server (none eligible ⇒ rejected); the server starts it at once if a slot is
 * free, queues it if there is room, or drops it; a server that is down refuses it. The client
 * reacts to each attempt's outcome: success ends the request; an error or a per-attempt timeout
 * leads to a retry after a backoff (if retries and budget allow) or ends the request with that
 * outcome; the overall deadline ends it as timed out; hedges send extra copies, first answer wins.
 */
import { Simulation, EventLimitError, type Handler, MAX_TARGET } from '../engine/simulation.js';
import type { DistributionSpec } from '../random/distributions.js';
import type { ArrivalSpec } from './arrivals.js';
import { Discipline, ServerPool, type ServerSpec } from './server-pool.js';
import { RequestTable, InFlightLimitError } from './request-table.js';
import {
  ATTEMPT_MACHINE, AttemptState, REQUEST_MACHINE, RequestState, ServerState, transitionTable, IllegalTransitionError,
} from './states.js';
import type { ClientConfig } from './client.js';
import type { HealthConfig, HealthView } from './health.js';
import type { Balancer, BalancerContext } from '../balancers/balancer.js';
import { RunLimitError, EVENTS_BASE, EVENTS_PER_ARRIVAL, DEFAULT_MAX_IN_FLIGHT } from './run-limit-error.js';
import { Stats, NATT, NREQ } from './stats.js';
import { Workload, type ClosedLoopSpec, type KeySpec } from './workload.js';
import { BalancerFleet } from './balancer-view.js';
import { FailureProcess, type FailureConfig } from './failures.js';
import { HealthMonitor } from './health-monitor.js';
import { ClientPolicy } from './client-policy.js';
import { EventKind } from './event-kind.js';

export { EventKind } from './event-kind.js';
export type { ClosedLoopSpec, KeySpec } from './workload.js';
export type { FailureConfig } from './failures.js';
export type { MeasuredWindow } from './stats.js';

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

const R = RequestState;
const A = AttemptState;
const REQUEST_ALLOWED = transitionTable(REQUEST_MACHINE);
const ATTEMPT_ALLOWED = transitionTable(ATTEMPT_MACHINE);

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
  /** The balancer instances (one unless `fleet.count` says otherwise) and their views. */
  readonly balancers: Balancer[];
  readonly contexts: BalancerContext[];
  /** The first instance and its view (the only one in most scenarios). */
  readonly balancer: Balancer;
  readonly balancerContext: BalancerContext;
  /** What the balancers believe about health. */
  readonly health: HealthView;
  /** When true every request, attempt and server transition is checked against its machine. */
  checked = false;
  /** When true every event takes the general handlers (the short path is off); see `runUntil`. */
  general = false;
  warmupMs: number;
  observer: ModelObserver | null = null;

  /** Each balancer instance's own open requests, [instance][server] (the fleet's, at hand). */
  private readonly own: Int32Array[];
  private readonly observes: boolean;
  /** No client behaviour, no outlier detection, open arrivals: requests may take the short path. */
  private readonly plain: boolean;
  /** > 0 while finishRequest withdraws a request's copies; slots they free wait in freedSlots. */
  private withdrawing = 0;
  private readonly freedSlots: number[] = [];
  /** Added to the event budget at each arrival (0 when `stop.maxEvents` fixes it). */
  private readonly eventsPerArrival: number;
  /** When the measurement window ends (last arrival or stop time); Infinity while not known. */
  private windowEndMs = Infinity;

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
    this.own = this.fleet.own;
    this.balancer = this.balancers[0];
    this.balancerContext = this.contexts[0];
    this.observes = this.fleet.observes;
    if (this.fleet.refreshMs > 0) sim.schedule(this.fleet.refreshMs, EventKind.Report, 0);
    this.client = new ClientPolicy(config.client, sim, seed);
    this.failures = new FailureProcess(config.failures, this.pool, sim, seed);
    this.monitor = new HealthMonitor(config.health, this.pool, this.fleet, this.failures, this.stats, sim, this);
    this.health = this.monitor.view;
    this.monitor.start(seed);
    this.plain = !config.client && !config.health?.outlier && config.arrivals.process !== 'closed';
    this.requests.clientFields = !!config.client || config.arrivals.process === 'closed';

    const { maxEvents, maxInFlight } = config.stop;
    sim.eventLimit = maxEvents ?? EVENTS_BASE;
    this.eventsPerArrival = maxEvents === undefined ? EVENTS_PER_ARRIVAL : 0;
    this.requests.maxRows = maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    if (this.warmupMs > 0) sim.schedule(this.warmupMs, EventKind.WarmupEnd, 0);
    this.arrivalsEnd(this.workload.start());
  }

  /** Runs to the end of the scenario (all requests done, or the time limit). */
  run(): void {
    this.runUntil(this.workload.stopAtMs);
    // A run that ended before its window did (nothing left to do) is idle until the window's end.
    this.stats.closeWindow(this.windowEndMs === Infinity ? this.sim.now : Math.max(this.sim.now, this.windowEndMs));
    this.pool.flush();
  }

  /**
   * `sim.runUntil(tMs)`, with a short path. A plain request (see `plain`) that arrives, is sent to
   * a server that is up and takes it, is served first come first served and succeeds — nearly
   * every request of a benchmark — goes through `plainArrival` and `plainDeparture`: small bodies
   * built from the same helpers as the general handlers (`admitted`, `completed`, `serveQueued`),
   * without the branches a plain request cannot take. Every other turn goes through the general
   * handlers. The path is chosen here, once per call: runs with an observer, checked transitions
   * or `general` set take the general handlers throughout. Same events, same order, same draws:
   * tests hold both paths to byte-identical summaries on random plain scenarios.
   */
  runUntil(tMs: number): number {
    const short = this.plain && this.observer === null && !this.checked && !this.general;
    try {
      return this.sim.runUntil(tMs, short ? this.shortPath : this);
    } catch (e) {
      throw this.limitError(e);
    }
  }

  /** True when no request will arrive any more and none is in flight: the run is over. */
  finished(): boolean {
    return this.workload.arrivalsDone && this.requests.live === 0;
  }

  /** The measurement window (see Stats.window). */
  measuredWindow() {
    return this.stats.window();
  }

  // ---------------------------------------------------------------- events

  /** The handler of `runUntil`'s short path: plain arrivals and departures, the rest as `handle`. */
  private readonly shortPath: Handler = {
    handle: (kind, r) => {
      if (kind === EventKind.Arrival) this.plainArrival(r);
      else if (kind === EventKind.Departure) {
        if (this.requests.departId[r] === this.sim.currentEventId) this.plainDeparture(r);
      } else this.handleRare(kind, r);
    },
  };

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
    const id = this.sim.currentEventId, t = this.requests, failures = this.failures;
    switch (kind) {
      case EventKind.AttemptTimeout:
        if (t.timeoutId[target] === id) this.attemptTimeout(target);
        break;
      case EventKind.Refused:
        if (t.timeoutId[target] === id) this.endAtServer(target, A.Failed); // the connect timeout
        break;
      case EventKind.Deadline:
        if (t.deadlineId[target] === id) {
          t.deadlineId[target] = -1;
          this.finishRequest(target, R.TimedOut);
        }
        break;
      case EventKind.Retry:
        if (t.retryId[target] === id) {
          t.retryId[target] = -1;
          if (t.measured[target]) this.stats.retries++;
          t.retries[target]++;
          this.sendAttempt(target, target);
        }
        break;
      case EventKind.Hedge:
        if (t.hedgeId[target] === id) this.hedge(target);
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

  // ---------------------------------------------------------------- arrivals

  /** The arrivals ended (`endMs` a number) or not (NaN): the window ends then; the run may be over. */
  private arrivalsEnd(endMs: number): void {
    if (endMs !== endMs) return;
    this.windowEndMs = endMs;
    if (endMs <= this.sim.now) this.stats.closeWindow(this.sim.now);
    else this.sim.schedule(endMs, EventKind.WindowEnd, 0);
    if (this.finished()) this.sim.stop();
  }

  /** A request arrives from `source` (a closed-loop client, or 0): its row, cost, key and counts. */
  private admit(source: number): number {
    const table = this.requests, stats = this.stats;
    const r = table.alloc();
    this.sim.eventLimit += this.eventsPerArrival;
    const end = this.workload.admit(table, r, source);
    if (end === end) this.arrivalsEnd(end);
    table.arrivalMs[r] = this.sim.now;
    const measured = stats.measuring ? 1 : 0;
    table.measured[r] = measured;
    if (measured) {
      stats.arrived++;
      stats.inFlight++;
    }
    return r;
  }

  private arrive(source: number): void {
    const r = this.admit(source);
    if (this.client.config) this.client.arrived(this.requests, r, this.stats.latency);
    this.sendAttempt(r, r);
  }

  /** A plain request's arrival (short path): `arrive` → `sendAttempt` → `dispatch` for a server that is up and takes it. */
  private plainArrival(source: number): void {
    const table = this.requests, pool = this.pool;
    const p = this.admit(source);
    table.attempts[p] = 1;
    table.liveAttempts[p] = 1;
    table.atServer[p] = 1;
    table.sentMs[p] = this.sim.now;
    if (table.measured[p]) this.stats.attemptsSent++;
    const b = this.balancers.length === 1 ? 0 : this.fleet.instanceFor(); // one instance: no call
    table.balancer[p] = b;
    const s = this.balancers[b].pick(table.key[p]);
    if (s < 0 || pool.state[s] === ServerState.Failed || this.failures.awaitingTraffic[s] === 1) {
      this.dispatch(p, p, b, s);
      return;
    }
    const begin = pool.inService[s] < pool.concurrency[s];
    if (!begin && pool.queueLimit[s] >= 0 && pool.queueLength[s] >= pool.queueLimit[s]) {
      this.dispatch(p, p, b, s); // dropped
      return;
    }
    table.server[p] = s;
    this.admitted(p, b, s, begin);
    // syncRequest of a request with one attempt: its state follows the attempt's.
    const to = table.state[p]; // A.InService / A.Pending: the same numbers as R.InService / R.Pending
    table.callState[p] = to;
    if (table.measured[p]) this.stats.requestTransitions[R.Initiated * NREQ + to]++;
  }

  // ---------------------------------------------------------------- attempts

  /** Sends an attempt of request `p` held by row `r` (`r === p`, or a fresh hedge row). */
  private sendAttempt(p: number, r: number): void {
    const table = this.requests;
    if (r === p && table.attempts[p] > 0) table.state[r] = A.Initiated; // a retry: a new attempt on the same row
    if (this.workload.perAttemptCost && (r !== p || table.attempts[p] > 0)) table.costMs[r] = this.workload.attemptCost();
    table.server[r] = -1;
    table.attempts[p]++;
    table.liveAttempts[p]++;
    table.atServer[r] = 1;
    table.sentMs[r] = this.sim.now;
    if (table.measured[p]) this.stats.attemptsSent++;
    const b = this.fleet.instanceFor();
    table.balancer[r] = b;
    this.dispatch(p, r, b, this.balancers[b].pick(table.key[p]));
  }

  /** Sends row `r`'s attempt (of request `p`), counted at balancer instance `b`, to server `s`. */
  private dispatch(p: number, r: number, b: number, s: number): void {
    const table = this.requests, pool = this.pool, failures = this.failures;
    if (s < 0) {
      this.endAtServer(r, A.Rejected);
      return;
    }
    table.server[r] = s;
    if (this.observer) this.observer.dispatched?.(r, s);
    if (failures.awaitingTraffic[s] === 1) {
      failures.awaitingTraffic[s] = 0;
      if (this.stats.measuring) this.stats.trafficReturnDelay.add(this.sim.now - failures.repairedAt[s]);
    }
    if (pool.state[s] === ServerState.Failed) {
      if (this.stats.measuring) this.stats.sentToFailed++;
      if (this.client.armRefused(table, r)) {
        // The connection hangs until the client's connect timeout.
        table.counted[r] = 1;
        this.own[b][s]++;
      } else {
        this.endAtServer(r, A.Failed);
      }
      return;
    }
    const begin = pool.inService[s] < pool.concurrency[s];
    if (!begin && pool.queueLimit[s] >= 0 && pool.queueLength[s] >= pool.queueLimit[s]) {
      pool.dropped[s]++;
      this.endAtServer(r, A.Dropped);
      return;
    }
    this.admitted(r, b, s, begin);
    this.client.armTimeout(table, r);
    this.syncRequest(p);
  }

  /**
   * Server `s` takes row `r`'s attempt, sent by balancer instance `b`: into a free slot (`begin`)
   * or its queue. Shared by `dispatch` and the short path.
   */
  private admitted(r: number, b: number, s: number, begin: boolean): void {
    const table = this.requests, pool = this.pool;
    table.counted[r] = 1;
    this.own[b][s]++;
    this.setAttempt(r, begin ? A.InService : A.Pending);
    if (begin) {
      pool.startService(s);
      this.beginService(r, s);
    } else {
      pool.enqueue(s, r, table.nextInQueue, table.prevInQueue);
    }
  }

  /** Schedules the departure of `r`, which holds one of server `s`'s slots from `now`. */
  private beginService(r: number, s: number): void {
    const table = this.requests, pool = this.pool, now = this.sim.now;
    table.startMs[r] = now;
    const speed = pool.state[s] === ServerState.Recovering ? this.failures.warmingSpeed(s) : pool.speed[s];
    const endMs = now + table.costMs[r] / speed;
    if (!(endMs >= now)) throw new RangeError(`request ${r} would end at ${endMs} ms, before now (${now} ms)`);
    table.endMs[r] = endMs;
    table.departId[r] = this.sim.schedule(endMs, EventKind.Departure, r);
  }

  /** Row `r` finished its service at its server: the server's and balancer's books. Returns the server. */
  private completed(r: number): number {
    const table = this.requests, s = table.server[r];
    this.pool.completed[s]++;
    this.stats.serverCompletions++;
    table.departId[r] = -1;
    return s;
  }

  private depart(r: number): void {
    const table = this.requests;
    const s = this.completed(r);
    if (table.call[r] < 0) this.stats.wastedWorkMs += this.sim.now - table.startMs[r];
    this.endAtServer(r, A.Succeeded);
    this.serveNext(s);
  }

  /** A plain request's departure (short path): `depart` → `endAtServer` → `attemptOutcome` → `finishRequest` → `serveNext`. */
  private plainDeparture(r: number): void {
    const table = this.requests, pool = this.pool, stats = this.stats;
    if (table.call[r] !== r) {
      this.depart(r);
      return;
    }
    const s = this.completed(r);
    const b = table.balancer[r];
    // The row is freed below: alloc resets its state and event ids for the next request. Only
    // atServer must be cleared, as failServer scans every row for requests in service.
    table.atServer[r] = 0;
    table.counted[r] = 0;
    this.own[b][s]--;
    if (this.observes) this.balancers[b].observe!(s, this.sim.now - table.sentMs[r], true);
    stats.successes++;
    if (table.measured[r]) {
      stats.attemptTransitions[A.InService * NATT + A.Succeeded]++;
      stats.requestTransitions[R.InService * NREQ + R.Succeeded]++;
      stats.ended(R.Succeeded, this.sim.now - table.arrivalMs[r]);
    }
    this.releaseRow(r);
    if (pool.queueLength[s] === 0) pool.endService(s);
    else if (pool.discipline[s] === Discipline.Fifo) this.serveQueued(pool.queueHead[s], s);
    else this.serveNext(s);
  }

  /** A slot of server `s` is free: the next waiting request (by discipline) takes it. */
  private serveNext(s: number): void {
    const pool = this.pool;
    let r = -1;
    if (pool.queueLength[s] > 0) {
      const discipline = pool.discipline[s];
      if (discipline === Discipline.Fifo) r = pool.queueHead[s];
      else if (discipline === Discipline.Lifo) r = pool.queueTail[s];
      else r = this.adaptivePick(s);
    }
    if (r < 0) pool.endService(s);
    else this.serveQueued(r, s);
  }

  /** Waiting row `r` takes the slot just freed at server `s` (which stays busy). */
  private serveQueued(r: number, s: number): void {
    const table = this.requests;
    this.pool.remove(s, r, table.nextInQueue, table.prevInQueue);
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
    if (s >= 0 && this.observes) this.balancers[table.balancer[r]].observe!(s, now - table.sentMs[r], ok);
    if (s >= 0 && this.monitor.outlier) this.monitor.observe(s, ok);
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
    if (this.client.retry(table, p)) {
      this.setRequest(p, R.Backoff);
      return;
    }
    this.finishRequest(p, state === A.TimedOut ? R.TimedOut : state === A.Dropped ? R.Dropped : state === A.Rejected ? R.Rejected : R.Failed);
  }

  // ---------------------------------------------------------------- client: timeouts, hedges, abandoned work

  /** Per-attempt timeout: the client stops waiting for attempt `r`. */
  private attemptTimeout(r: number): void {
    const table = this.requests;
    table.timeoutId[r] = -1;
    const p = table.call[r];
    this.abandon(r, A.TimedOut);
    this.attemptOutcome(p, r, A.TimedOut);
  }

  /**
   * The client stops waiting for row `r`'s attempt. With cancellation the server withdraws it
   * (it ends `endState`); without, a ghost row takes its place at the server and runs on.
   * The caller reports the outcome to the request.
   */
  private abandon(r: number, endState: number): void {
    const table = this.requests, pool = this.pool, s = table.server[r];
    const state = table.state[r];
    table.atServer[r] = 0;
    table.timeoutId[r] = -1;
    if (state === A.Initiated) {
      // Still connecting to a server that is down: nothing is there.
      this.setAttempt(r, endState);
      if (this.observer) this.observer.ended?.(r, endState, s);
      return;
    }
    if (this.client.config?.cancel) {
      if (state === A.Pending) {
        pool.remove(s, r, table.nextInQueue, table.prevInQueue);
      } else {
        this.stats.wastedWorkMs += this.sim.now - table.startMs[r];
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
    const h = this.client.config!.hedge!;
    if (table.liveAttempts[p] === 0) return; // in backoff: the retry will come
    if (table.attempts[p] - 1 - table.retries[p] >= h.max) return; // hedges sent = attempts − first − retries
    const r = table.alloc();
    table.call[r] = p;
    table.measured[r] = table.measured[p];
    table.costMs[r] = table.costMs[p];
    table.arrivalMs[r] = this.sim.now;
    table.nextHedge[r] = table.hedgeHead[p];
    table.hedgeHead[p] = r;
    if (table.measured[p]) this.stats.hedges++;
    this.sendAttempt(p, r);
    this.client.scheduleHedge(table, p, this.stats.latency);
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
    if (table.measured[p]) this.stats.requestTransitions[from * NREQ + to]++;
  }

  private setAttempt(r: number, to: number): void {
    const table = this.requests;
    const from = table.state[r];
    if (this.checked && ATTEMPT_ALLOWED[from * NATT + to] === 0) throw new IllegalTransitionError(ATTEMPT_MACHINE, from, to, r);
    table.state[r] = to;
    if (table.measured[r]) this.stats.attemptTransitions[from * NATT + to]++;
  }

  /**
   * Request `p` ends in terminal state `to`: counted, its pending client events forgotten, its
   * remaining copies abandoned (cancelled or left running as ghosts), its row freed.
   */
  private finishRequest(p: number, to: number): void {
    const table = this.requests, now = this.sim.now;
    this.setRequest(p, to);
    table.deadlineId[p] = -1;
    table.retryId[p] = -1;
    table.hedgeId[p] = -1;
    if (to === R.Succeeded) this.stats.successes++;
    if (table.measured[p]) this.stats.ended(to, now - table.arrivalMs[p]);
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
    if (table.atServer[p] === 1) this.releaseCopy(p, to === R.TimedOut ? A.TimedOut : A.Cancelled);
    this.withdrawing--;
    if (this.freedSlots.length > freedFrom) {
      const freed = this.freedSlots.splice(freedFrom);
      for (const s of freed) this.serveNext(s);
    }
    const client = table.client[p];
    this.releaseRow(p);
    if (client >= 0) this.arrivalsEnd(this.workload.clientFree(client, now));
  }

  /** A copy the request no longer needs: its balancer's books closed, the work withdrawn or ghosted. */
  private releaseCopy(x: number, endState: number): void {
    const table = this.requests;
    if (table.counted[x] === 1) {
      table.counted[x] = 0;
      const b = table.balancer[x], s = table.server[x];
      this.own[b][s]--;
      if (this.observes) this.balancers[b].observe!(s, NaN, false); // withdrawn: no response to learn from
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
    this.failures.baseSpeed[s] = speed;
    this.pool.speed[s] = speed;
  }

  /**
   * Takes server `s` down now: requests in service and waiting there end as failed. It comes
   * back at `untilMs` (default: after a repair time drawn from the failure process; never when
   * there is none, until `repairServer`). Without health checks balancers stop choosing it at once.
   */
  failServer(s: number, untilMs?: number): void {
    const pool = this.pool, table = this.requests, now = this.sim.now, failures = this.failures, stats = this.stats;
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
    const state = this.pool.inService[s] > 0 ? ServerState.Busy : ServerState.Idle;
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
    if (e instanceof InFlightLimitError) {
      return new RunLimitError('stop.maxInFlight', e.limit,
        `more than ${e.limit.toLocaleString('en')} requests in flight at once at ${this.sim.now} ms of simulated time: they ` +
        'arrive faster than the servers finish them (offered load ≥ 1 with unbounded queues?); bound the waiting room with ' +
        `servers[].queueLimit, or set stop.maxInFlight higher (default ${DEFAULT_MAX_IN_FLIGHT.toLocaleString('en')})`);
    }
    return e;
  }
}
