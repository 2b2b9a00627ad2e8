/**
 * The simulated world: arrivals → balancer → servers. One `switch` over integer event kinds
 * drives it; requests and servers live in typed arrays; nothing is allocated per request.
 *
 * A request's life (see REQUEST_MACHINE): it arrives (initiated), the balancer picks a server
 * (none eligible ⇒ rejected); at the server it starts at once if a slot is free (in-service),
 * waits if the queue has room (pending), or is dropped. On completion it succeeded.
 *
 * Counters cover *measured* requests: those arriving at or after the warm-up. For them
 * arrived = succeeded + failed + timedOut + dropped + rejected + inFlight, always.
 */
import { Simulation, type Handler, MAX_TARGET } from '../engine/simulation.js';
import { createStream, createBaselineStream, type Rng } from '../random/rng.js';
import { createDistribution, type Distribution, type DistributionSpec } from '../random/distributions.js';
import { createArrivals, type ArrivalProcess, type ArrivalSpec } from './arrivals.js';
import { ServerPool, type ServerSpec } from './server-pool.js';
import { RequestTable } from './request-table.js';
import { REQUEST_MACHINE, REQUEST_STATE_NAMES, RequestState, ServerState, transitionTable, IllegalTransitionError } from './states.js';
import type { Balancer, BalancerContext } from '../balancers/balancer.js';
import { getBalancer, balancerNames } from '../balancers/registry.js';
import { Histogram } from '../metrics/histogram.js';
import { Welford } from '../metrics/welford.js';

export interface ModelConfig {
  seed: number;
  /** How random streams are seeded: by name (default) or the baselines' splitmix order. */
  streams?: 'named' | 'baseline';
  stop: { requests?: number; timeMs?: number; warmupMs: number };
  servers: readonly ServerSpec[];
  arrivals: ArrivalSpec;
  service: DistributionSpec;
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
}

export type KeySpec = { dist: 'uniform'; count: number } | { dist: 'zipf'; count: number; exponent: number };

/**
 * Server failures. Random: each server alternates up-time drawn from `timeBetween` and repair
 * time drawn from `repair` (both optional). Scheduled: `outages` take servers down at `atMs` for
 * `forMs`. After a repair a server is `recovering` for `warmupMs`: requests starting then run at
 * a speed ramping linearly from 10% to 100% (slow start), after which it is idle or busy again.
 */
export interface FailureConfig {
  timeBetween?: DistributionSpec;
  repair?: DistributionSpec;
  warmupMs: number;
  outages: { atMs: number; forMs: number; servers: number[] }[];
}

/** Watches a model, e.g. to animate it. Called synchronously at `model.sim.now`. */
export interface ModelObserver {
  /** Request `r` was sent to server `server`. */
  dispatched?(r: number, server: number): void;
  /** Request `r` reached terminal state `state` (a RequestState) at `server` (-1 if none). */
  ended?(r: number, state: number, server: number): void;
  /** Server `server` changed state (a ServerState). */
  serverChanged?(server: number, state: number): void;
}

export const EventKind = { Arrival: 0, Departure: 1, WarmupEnd: 2, Fail: 3, Repair: 4, Recovered: 5, Outage: 6, Report: 7 } as const;

const R = RequestState;
const NREQ = REQUEST_STATE_NAMES.length;
const REQUEST_ALLOWED = transitionTable(REQUEST_MACHINE);

export class Model implements Handler {
  readonly sim = new Simulation();
  readonly pool: ServerPool;
  readonly requests = new RequestTable();
  /** The balancer instances (one unless `fleet.count` says otherwise) and their views. */
  readonly balancers: Balancer[] = [];
  readonly contexts: BalancerContext[] = [];
  /** Each instance's own open requests per server. */
  private readonly own: Int32Array[] = [];
  /** The first instance and its view (the only one in most scenarios). */
  readonly balancer: Balancer;
  readonly balancerContext: BalancerContext;
  readonly latency = new Histogram();
  readonly latencyStats = new Welford();
  /** Counters of measured requests. */
  arrived = 0; succeeded = 0; failed = 0; timedOut = 0; dropped = 0; rejected = 0; retries = 0;
  /** Measured requests still in flight. */
  inFlight = 0;
  /** Request transitions [from * 8 + to], measured requests only. */
  readonly requestTransitions = new Float64Array(NREQ * NREQ);
  /** When true every request transition is checked against REQUEST_MACHINE. */
  checked = false;
  warmupMs: number;

  private readonly arrivals: ArrivalProcess;
  private readonly service: Distribution;
  private readonly serviceRng: Rng;
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
  private arrivalsDone = false;
  private readonly failures: FailureConfig | undefined;
  private readonly failureRng: Rng;
  private readonly upTime: Distribution | null;
  private readonly repairTime: Distribution | null;
  /** Id of each server's pending lifecycle event (fail, repair or recovered); lazy cancellation. */
  private readonly lifecycleId: Float64Array;
  /** When each server entered `recovering`. */
  private readonly recoveringSince: Float64Array;
  /** Failures that happened (measured period). */
  failuresObserved = 0;
  /** Requests sent to a server that was down at the time (measured). */
  sentToFailed = 0;
  observer: ModelObserver | null = null;

  constructor(readonly config: ModelConfig) {
    const { seed } = config;
    this.sim.setHandler(this);
    this.pool = new ServerPool(config.servers);
    if (this.pool.size > MAX_TARGET) throw new RangeError(`at most ${MAX_TARGET} servers`);
    const baseline = config.streams === 'baseline';
    const arrivalRng = baseline ? createBaselineStream(seed, 0) : createStream(seed, 'arrivals');
    this.serviceRng = baseline ? createBaselineStream(seed, 1) : createStream(seed, 'service');
    this.arrivals = createArrivals(config.arrivals, arrivalRng);
    this.service = createDistribution(config.service);

    const info = getBalancer(config.balancer.name);
    if (!info) throw new Error(`unknown balancer ${JSON.stringify(config.balancer.name)} (known: ${balancerNames().join(', ')})`);
    const sim = this.sim, n = this.pool.size;
    const fleet = config.fleet ?? { count: 1, assign: 'round-robin' };
    const view = config.view ?? { load: 'own', refreshMs: 0 };
    this.refreshMs = view.load === 'reported' ? view.refreshMs : 0;
    this.reported = view.load === 'reported' ? (this.refreshMs > 0 ? new Int32Array(n) : this.pool.load) : null;
    // All instances share what health tells them; each keeps its own connections and coin flips.
    const eligible = new Uint8Array(n).fill(1);
    for (let b = 0; b < fleet.count; b++) {
      const own = new Int32Array(n);
      const ctx: BalancerContext = {
        size: n,
        weights: this.pool.weight,
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

    this.failures = config.failures;
    this.failureRng = createStream(seed, 'failures');
    this.upTime = config.failures?.timeBetween ? createDistribution(config.failures.timeBetween) : null;
    this.repairTime = config.failures?.repair ? createDistribution(config.failures.repair) : null;
    this.lifecycleId = new Float64Array(this.pool.size).fill(-1);
    this.recoveringSince = new Float64Array(this.pool.size);
    if (this.upTime) for (let s = 0; s < this.pool.size; s++) this.scheduleFailure(s);
    config.failures?.outages.forEach((o, i) => sim.schedule(o.atMs, EventKind.Outage, i));

    this.warmupMs = config.stop.warmupMs;
    this.measuring = this.warmupMs <= 0;
    this.arrivalsLeft = config.stop.requests ?? Infinity;
    this.stopAtMs = config.stop.timeMs ?? Infinity;
    if (this.warmupMs > 0) sim.schedule(this.warmupMs, EventKind.WarmupEnd, 0);
    this.scheduleArrival(0);
  }

  /** Runs to the end of the scenario (all requests done, or the time limit). */
  run(): void {
    this.sim.runUntil(this.stopAtMs);
    this.pool.flush(this.sim.now);
  }

  handle(kind: number, target: number): void {
    switch (kind) {
      case EventKind.Arrival:
        this.arrive();
        break;
      case EventKind.Departure:
        this.depart(target);
        break;
      case EventKind.WarmupEnd:
        this.measuring = true;
        this.failuresObserved = 0;
        this.sentToFailed = 0;
        this.pool.resetStats(this.sim.now);
        break;
      case EventKind.Fail:
        if (this.lifecycleId[target] === this.sim.currentEventId) this.failServer(target);
        break;
      case EventKind.Repair:
        if (this.lifecycleId[target] === this.sim.currentEventId) this.repairServer(target);
        break;
      case EventKind.Recovered:
        if (this.lifecycleId[target] === this.sim.currentEventId) this.endRecovery(target);
        break;
      case EventKind.Report:
        this.reported!.set(this.pool.load);
        if (!this.arrivalsDone || this.requests.live > 0) this.sim.schedule(this.sim.now + this.refreshMs, EventKind.Report, 0);
        break;
      case EventKind.Outage: {
        const outage = this.failures!.outages[target];
        for (const s of outage.servers) this.failServer(s, this.sim.now + outage.forMs);
        break;
      }
    }
  }

  private scheduleArrival(now: number): void {
    const t = this.arrivalsLeft > 0 ? this.arrivals.next(now) : Infinity;
    if (t === Infinity || t > this.stopAtMs) {
      this.arrivalsDone = true;
      return;
    }
    this.pendingCostMs = this.arrivals.costMs;
    this.pendingKey = this.arrivals.key;
    this.arrivalsLeft--;
    this.sim.schedule(t, EventKind.Arrival, 0);
  }

  private arrive(): void {
    const now = this.sim.now;
    const table = this.requests;
    const r = table.alloc();
    const cost = this.pendingCostMs;
    table.costMs[r] = cost === cost ? cost : this.service.sample(this.serviceRng);
    table.key[r] = this.pendingKey >= 0 ? this.pendingKey : this.keyOf ? this.keyOf(this.keyRng) : 0;
    table.arrivalMs[r] = now;
    const nb = this.balancers.length;
    const b = nb === 1 ? 0 : this.assignRandom ? Math.floor(this.fleetRng.next() * nb) : this.nextInstance++ % nb;
    table.balancer[r] = b;
    const balancer = this.balancers[b];
    const measured = this.measuring ? 1 : 0;
    table.measured[r] = measured;
    if (measured) {
      this.arrived++;
      this.inFlight++;
    }
    this.scheduleArrival(now);

    const s = balancer.pick(table.key[r]);
    if (s < 0) {
      this.finish(r, R.Rejected);
      return;
    }
    table.server[r] = s;
    const pool = this.pool;
    if (this.observer) this.observer.dispatched?.(r, s);
    if (pool.state[s] === ServerState.Failed) {
      // The balancer did not know: the connection is refused at once.
      if (measured) this.sentToFailed++;
      if (this.observe) balancer.observe!(s, 0, false);
      this.finish(r, R.Failed);
    } else if (pool.inService[s] < pool.concurrency[s]) {
      this.own[b][s]++;
      this.setState(r, R.InService);
      this.startService(r, s, now);
    } else if (pool.queueLimit[s] < 0 || pool.queueLength[s] < pool.queueLimit[s]) {
      this.own[b][s]++;
      this.setState(r, R.Pending);
      pool.enqueue(s, r, table.nextInQueue, now);
    } else {
      pool.dropped[s]++;
      if (this.observe) balancer.observe!(s, 0, false);
      this.finish(r, R.Dropped);
    }
  }

  private startService(r: number, s: number, now: number): void {
    this.pool.startService(s, now);
    this.beginService(r, s, now);
  }

  /** Schedules the departure of `r`, which holds one of server `s`'s slots from `now`. */
  private beginService(r: number, s: number, now: number): void {
    const table = this.requests;
    table.startMs[r] = now;
    let speed = this.pool.speed[s];
    if (this.pool.state[s] === ServerState.Recovering) {
      const warmup = this.failures!.warmupMs;
      speed *= 0.1 + 0.9 * Math.min(1, (now - this.recoveringSince[s]) / warmup);
    }
    table.departId[r] = this.sim.schedule(now + table.costMs[r] / speed, EventKind.Departure, r);
  }

  private scheduleFailure(s: number): void {
    if (this.upTime) this.lifecycleId[s] = this.sim.schedule(this.sim.now + this.upTime.sample(this.failureRng), EventKind.Fail, s);
    else this.lifecycleId[s] = -1;
  }

  /**
   * Takes server `s` down now: requests in service and waiting there end as failed. It comes
   * back at `untilMs` (default: after a repair time drawn from the failure process; never when
   * there is none, until `repairServer`). Balancers stop choosing it at once (no health checks).
   */
  failServer(s: number, untilMs?: number): void {
    const pool = this.pool, table = this.requests, now = this.sim.now;
    if (pool.state[s] === ServerState.Failed) {
      if (untilMs !== undefined) this.lifecycleId[s] = this.sim.schedule(Math.max(now, untilMs), EventKind.Repair, s);
      return;
    }
    if (this.measuring) this.failuresObserved++;
    pool.setState(s, ServerState.Failed, now);
    for (let r = pool.dequeue(s, table.nextInQueue, now); r >= 0; r = pool.dequeue(s, table.nextInQueue, now)) this.abort(r, s);
    // Requests in service: found by scanning the table (failures are rare; no per-server list).
    for (let r = 0; r < table.size && pool.inService[s] > 0; r++) {
      if (table.server[r] === s && table.state[r] === R.InService && table.departId[r] >= 0) {
        table.departId[r] = -1;
        pool.endService(s, now);
        this.abort(r, s);
      }
    }
    this.balancerContext.eligible[s] = 0;
    this.rebuildBalancers();
    this.observer?.serverChanged?.(s, ServerState.Failed);
    const until = untilMs ?? (this.repairTime ? now + this.repairTime.sample(this.failureRng) : Infinity);
    this.lifecycleId[s] = until === Infinity ? -1 : this.sim.schedule(until, EventKind.Repair, s);
  }

  /** Brings a failed server back: `recovering` for the warm-up, then idle. */
  repairServer(s: number): void {
    const pool = this.pool, now = this.sim.now;
    if (pool.state[s] !== ServerState.Failed) return;
    const warmup = this.failures?.warmupMs ?? 0;
    this.balancerContext.eligible[s] = 1;
    this.rebuildBalancers();
    if (warmup > 0) {
      pool.setState(s, ServerState.Recovering, now);
      this.recoveringSince[s] = now;
      this.lifecycleId[s] = this.sim.schedule(now + warmup, EventKind.Recovered, s);
      this.observer?.serverChanged?.(s, ServerState.Recovering);
    } else {
      pool.setState(s, ServerState.Idle, now);
      this.observer?.serverChanged?.(s, ServerState.Idle);
      this.scheduleFailure(s);
    }
  }

  private endRecovery(s: number): void {
    const state = this.pool.inService[s] > 0 ? ServerState.Busy : ServerState.Idle;
    this.pool.setState(s, state, this.sim.now);
    this.observer?.serverChanged?.(s, state);
    this.scheduleFailure(s);
  }

  private rebuildBalancers(): void {
    for (const b of this.balancers) b.rebuild?.();
  }

  /** Ends request `r`, which was at failed server `s`, as failed. */
  private abort(r: number, s: number): void {
    const b = this.requests.balancer[r];
    this.own[b][s]--;
    if (this.observe) this.balancers[b].observe!(s, this.sim.now - this.requests.arrivalMs[r], false);
    this.finish(r, R.Failed);
  }

  private depart(r: number): void {
    const table = this.requests;
    if (table.departId[r] !== this.sim.currentEventId) return; // cancelled
    const now = this.sim.now, pool = this.pool, s = table.server[r];
    const latencyMs = now - table.arrivalMs[r];
    pool.completed[s]++;
    const b = table.balancer[r];
    this.own[b][s]--;
    if (this.observe) this.balancers[b].observe!(s, latencyMs, true);
    if (table.measured[r]) {
      this.latency.record(latencyMs);
      this.latencyStats.add(latencyMs);
    }
    this.finish(r, R.Succeeded);
    const next = pool.dequeue(s, table.nextInQueue, now);
    if (next >= 0) {
      // The slot passes straight to the next request: the server stays busy.
      this.setState(next, R.InService);
      this.beginService(next, s, now);
    } else {
      pool.endService(s, now);
    }
  }

  private setState(r: number, to: number): void {
    const table = this.requests;
    const from = table.state[r];
    if (this.checked && REQUEST_ALLOWED[from * NREQ + to] === 0) throw new IllegalTransitionError(REQUEST_MACHINE, from, to, r);
    table.state[r] = to;
    if (table.measured[r]) this.requestTransitions[from * NREQ + to]++;
  }

  /** Moves request `r` to terminal state `to`, counts it and frees its slot. */
  private finish(r: number, to: number): void {
    this.setState(r, to);
    if (this.observer) this.observer.ended?.(r, to, this.requests.server[r]);
    if (this.requests.measured[r]) {
      this.inFlight--;
      switch (to) {
        case R.Succeeded: this.succeeded++; break;
        case R.Failed: this.failed++; break;
        case R.TimedOut: this.timedOut++; break;
        case R.Dropped: this.dropped++; break;
        case R.Rejected: this.rejected++; break;
      }
    }
    this.requests.release(r);
    if (this.arrivalsDone && this.requests.live === 0) this.sim.stop();
  }
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
