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
import { REQUEST_MACHINE, REQUEST_STATE_NAMES, RequestState, transitionTable, IllegalTransitionError } from './states.js';
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
}

export const EventKind = { Arrival: 0, Departure: 1, WarmupEnd: 2 } as const;

const R = RequestState;
const NREQ = REQUEST_STATE_NAMES.length;
const REQUEST_ALLOWED = transitionTable(REQUEST_MACHINE);

export class Model implements Handler {
  readonly sim = new Simulation();
  readonly pool: ServerPool;
  readonly requests = new RequestTable();
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
  private arrivalsLeft: number;
  private readonly stopAtMs: number;
  private pendingCostMs = NaN;
  private pendingKey = -1;
  private measuring: boolean;
  private arrivalsDone = false;

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
    const sim = this.sim;
    this.balancerContext = {
      size: this.pool.size,
      weights: this.pool.weight,
      eligible: new Uint8Array(this.pool.size).fill(1),
      outstanding: new Int32Array(this.pool.size),
      trueLoad: this.pool.load,
      rng: createStream(seed, 'balancer'),
      now: () => sim.now,
    };
    this.balancer = info.create(this.balancerContext, config.balancer.options, 'balancer');
    this.observe = typeof this.balancer.observe === 'function';

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
        this.pool.resetStats(this.sim.now);
        break;
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
    table.key[r] = this.pendingKey < 0 ? 0 : this.pendingKey;
    table.arrivalMs[r] = now;
    table.balancer[r] = 0;
    const measured = this.measuring ? 1 : 0;
    table.measured[r] = measured;
    if (measured) {
      this.arrived++;
      this.inFlight++;
    }
    this.scheduleArrival(now);

    const s = this.balancer.pick(table.key[r]);
    if (s < 0) {
      this.finish(r, R.Rejected);
      return;
    }
    table.server[r] = s;
    const pool = this.pool;
    if (pool.inService[s] < pool.concurrency[s]) {
      this.balancerContext.outstanding[s]++;
      this.setState(r, R.InService);
      this.startService(r, s, now);
    } else if (pool.queueLimit[s] < 0 || pool.queueLength[s] < pool.queueLimit[s]) {
      this.balancerContext.outstanding[s]++;
      this.setState(r, R.Pending);
      pool.enqueue(s, r, table.nextInQueue, now);
    } else {
      pool.dropped[s]++;
      if (this.observe) this.balancer.observe!(s, 0, false);
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
    table.departId[r] = this.sim.schedule(now + table.costMs[r] / this.pool.speed[s], EventKind.Departure, r);
  }

  private depart(r: number): void {
    const table = this.requests;
    if (table.departId[r] !== this.sim.currentEventId) return; // cancelled
    const now = this.sim.now, pool = this.pool, s = table.server[r];
    const latencyMs = now - table.arrivalMs[r];
    pool.completed[s]++;
    this.balancerContext.outstanding[s]--;
    if (this.observe) this.balancer.observe!(s, latencyMs, true);
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
