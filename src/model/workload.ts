/**
 * What arrives: open arrivals (a process, or a trace that may dictate costs and keys) or
 * closed-loop clients that think between requests; each request's cost (ms at speed 1.0, drawn
 * once, the same under every balancer) and hash key. Ends after `stop.requests` arrivals or when
 * the next would come after `stop.timeMs`, and says when the arrival window ended.
 */
import type { Simulation } from '../engine/simulation.js';
import { createStream, createBaselineStream, type Rng } from '../random/rng.js';
import { createDistribution, type Distribution, type DistributionSpec } from '../random/distributions.js';
import { createArrivals, type ArrivalProcess, type ArrivalSpec } from './arrivals.js';
import type { RequestTable } from './request-table.js';
import * as rows from './request-table.js';

/** The row layout (request-table.ts) as module constants, which V8 folds into optimized code (imported bindings it loads at every use). */
const { F_COST, I_CLIENT, I_KEY, ROW_F64, ROW_I32 } = rows;

/** `clients` clients, each sending a request, waiting for its outcome, then thinking. */
export interface ClosedLoopSpec {
  process: 'closed';
  clients: number;
  thinkMs: DistributionSpec;
}

export type KeySpec = { dist: 'uniform'; count: number } | { dist: 'zipf'; count: number; exponent: number };

export interface WorkloadSpec {
  seed: number;
  /** How random streams are seeded: by name (default) or the baselines' splitmix order. */
  streams?: 'named' | 'baseline';
  stop: { requests?: number; timeMs?: number };
  arrivals: ArrivalSpec | ClosedLoopSpec;
  service: DistributionSpec;
  /**
   * "request" (default): a request's cost is drawn once and every attempt of it costs the same
   * (the work is in the request). "attempt": retries and hedges draw a fresh cost from their own
   * stream (the variability is in the server: hiccups, GC pauses — the case hedging addresses).
   */
  serviceScope?: 'request' | 'attempt';
  /** Hash keys of requests: uniform over `count` keys or Zipf with `exponent`. Default: all 0. */
  keys?: KeySpec;
  /**
   * One of several arrival streams (a topology's `entries`): its random streams are named
   * "arrivals@<name>", "keys@<name>", and an arrival event carries `source * stride + offset`
   * (the model tells the streams apart by it). Absent: one stream, "arrivals", events carry `source`.
   */
  stream?: { name: string; stride: number; offset: number };
}

/** The event kind this part schedules (the model's Arrival). */
const ARRIVAL = 0;

export class Workload {
  /** True once no request will arrive any more. */
  arrivalsDone = false;
  readonly closed: ClosedLoopSpec | null;
  readonly stopAtMs: number;
  private readonly arrivals: ArrivalProcess | null;
  private readonly think: Distribution | null;
  private readonly service: Distribution;
  private readonly serviceRng: Rng;
  /** Costs of retries and hedges when `serviceScope` is "attempt"; null otherwise. */
  private readonly attemptServiceRng: Rng | null;
  private readonly arrivalRng: Rng;
  private readonly keyOf: ((rng: Rng) => number) | null;
  private readonly keyRng: Rng;
  private arrivalsLeft: number;
  private pendingCostMs = NaN;
  private pendingKey = -1;
  /** Closed loop: arrivals scheduled and not yet arrived; clients that will send no more. */
  private pendingArrivals = 0;
  private clientsDone = 0;
  private readonly stride: number;
  private readonly offset: number;

  constructor(spec: WorkloadSpec, private readonly sim: Simulation) {
    const { seed } = spec;
    const baseline = spec.streams === 'baseline';
    const at = spec.stream ? `@${spec.stream.name}` : '';
    this.stride = spec.stream?.stride ?? 1;
    this.offset = spec.stream?.offset ?? 0;
    this.arrivalRng = baseline ? createBaselineStream(seed, 0) : createStream(seed, `arrivals${at}`);
    this.serviceRng = baseline ? createBaselineStream(seed, 1) : createStream(seed, 'service');
    this.closed = spec.arrivals.process === 'closed' ? spec.arrivals : null;
    this.arrivals = spec.arrivals.process === 'closed' ? null : createArrivals(spec.arrivals, this.arrivalRng);
    this.think = this.closed ? createDistribution(this.closed.thinkMs) : null;
    this.service = createDistribution(spec.service);
    this.attemptServiceRng = spec.serviceScope === 'attempt' ? createStream(seed, 'service/attempts') : null;
    this.keyRng = createStream(seed, `keys${at}`);
    this.keyOf = spec.keys ? createKeySampler(spec.keys) : null;
    this.arrivalsLeft = spec.stop.requests ?? Infinity;
    this.stopAtMs = spec.stop.timeMs ?? Infinity;
  }

  /** Schedules the first arrival(s). Returns the end of the arrival window if none will come, else NaN. */
  start(): number {
    if (!this.closed) return this.scheduleOpen();
    let end = NaN;
    for (let c = 0; c < this.closed.clients; c++) {
      const e = this.clientFree(c, 0);
      if (e === e) end = e;
    }
    return end;
  }

  /**
   * Row `r` arrives from `source` (a closed-loop client, or 0): its cost and key; the next open
   * arrival scheduled. Returns the end of the arrival window when this was the last arrival, else NaN.
   */
  admit(table: RequestTable, r: number, source: number): number {
    if (this.closed) return this.admitClosed(table, r, source);
    const cost = this.pendingCostMs;
    table.f64[r * ROW_F64 + F_COST] = cost === cost ? cost : this.service.sample(this.serviceRng);
    table.i32[r * ROW_I32 + I_KEY] = this.pendingKey >= 0 ? this.pendingKey : this.keyOf ? this.keyOf(this.keyRng) : 0;
    return this.scheduleOpen();
  }

  /** `admit` for a closed-loop client's request (out of line: the open case stays small enough to inline). */
  private admitClosed(table: RequestTable, r: number, source: number): number {
    table.i32[r * ROW_I32 + I_CLIENT] = source;
    table.f64[r * ROW_F64 + F_COST] = this.service.sample(this.serviceRng);
    table.i32[r * ROW_I32 + I_KEY] = this.keyOf ? this.keyOf(this.keyRng) : 0;
    if (--this.pendingArrivals === 0 && this.arrivalsLeft === 0) this.arrivalsDone = true; // the last request of the run
    return NaN;
  }

  /**
   * Closed-loop client `client` is free at `now` (its request ended): it thinks, then sends its
   * next request; it stops once `stop.requests` arrivals are scheduled or its next one would come
   * after the stop time. Arrivals are done when every client has stopped and no scheduled arrival
   * is still to come. Returns the end of the arrival window when it ends now (the last request
   * committed, or every client stopped by the stop time), else NaN.
   */
  clientFree(client: number, now: number): number {
    const t = this.arrivalsLeft > 0 ? now + this.think!.sample(this.arrivalRng) : Infinity;
    if (t === Infinity || t > this.stopAtMs) {
      if (++this.clientsDone === this.closed!.clients && this.pendingArrivals === 0) {
        this.arrivalsDone = true;
        return t === Infinity ? now : this.stopAtMs;
      }
      return NaN;
    }
    this.pendingArrivals++;
    this.sim.schedule(t, ARRIVAL, client * this.stride + this.offset);
    // The last of stop.requests is committed: from now on clients stop one by one and arrivals
    // thin out, so the measurement window ends here (the requests still to come are measured).
    return --this.arrivalsLeft === 0 ? now : NaN;
  }

  /** The cost of a retry or a hedge: a fresh draw with `serviceScope: "attempt"`, else NaN (the request's). */
  attemptCost(): number {
    return this.attemptServiceRng ? this.service.sample(this.attemptServiceRng) : NaN;
  }

  /** True when retries and hedges draw their own cost. */
  get perAttemptCost(): boolean {
    return this.attemptServiceRng !== null;
  }

  /** Schedules the next open arrival, or ends the arrivals (returning the window's end; else NaN). */
  private scheduleOpen(): number {
    const now = this.sim.now;
    const t = this.arrivalsLeft > 0 ? this.arrivals!.next(now) : Infinity;
    if (t === Infinity || t > this.stopAtMs) {
      // The window ends with the last of stop.requests arrivals, else at the stop time (if any).
      this.arrivalsDone = true;
      return this.arrivalsLeft === 0 || this.stopAtMs === Infinity ? now : this.stopAtMs;
    }
    this.pendingCostMs = this.arrivals!.costMs;
    this.pendingKey = this.arrivals!.key;
    this.arrivalsLeft--;
    this.sim.schedule(t, ARRIVAL, this.offset);
    return NaN;
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
