/**
 * What a run measures: counters of measured requests (those arriving after the warm-up), their
 * latency, attempts, transitions of the request and attempt machines, the failure-detection gap,
 * and the measurement window (see README "Measurement windows"). Written by the model as things
 * happen; read by `summarize`. For measured requests
 * arrived = succeeded + failed + timedOut + dropped + rejected + inFlight, always.
 */
import { Histogram } from '../metrics/histogram.js';
import { Welford } from '../metrics/welford.js';
import { ATTEMPT_STATE_NAMES, REQUEST_STATE_NAMES, RequestState } from './states.js';
import type { PoolWindow, ServerPool } from './server-pool.js';
import type { Simulation } from '../engine/simulation.js';
import { EventKind } from './event-kind.js';

const R = RequestState;
/** Terminal request states as module constants (V8 folds them into optimized code; an imported binding is loaded at every use). */
const SUCCEEDED = R.Succeeded, FAILED = R.Failed, TIMED_OUT = R.TimedOut, DROPPED = R.Dropped, REJECTED = R.Rejected;
export const NREQ = REQUEST_STATE_NAMES.length;
export const NATT = ATTEMPT_STATE_NAMES.length;

/** The measurement window: the servers' figures over it, and completions inside it. */
export interface MeasuredWindow extends PoolWindow {
  /** Requests (measured or not) that succeeded inside the window. */
  succeeded: number;
  /** Attempts servers completed inside the window (useful or not). */
  serverCompletions: number;
}

export class Stats {
  /** True from the end of the warm-up: requests arriving now are measured. */
  measuring: boolean;
  /** Counters of measured requests (those that ended: `ended`'s counts by terminal state). */
  arrived = 0;
  get succeeded(): number { return this.ends[SUCCEEDED]; }
  get failed(): number { return this.ends[FAILED]; }
  get timedOut(): number { return this.ends[TIMED_OUT]; }
  get dropped(): number { return this.ends[DROPPED]; }
  get rejected(): number { return this.ends[REJECTED]; }
  /**
   * Measured requests ended, by terminal request state. One indexed count that every `ended`
   * runs: a field per state, counted in a switch, left the counts of the states a run first
   * meets late (the first request timed out, often long into a run) without type feedback, and
   * reaching one discarded the optimized `ended` and its callers' code.
   */
  private readonly ends = new Float64Array(NREQ);
  /** Measured requests still in flight. */
  inFlight = 0;
  /** Attempts sent for measured requests: all, retries, hedges. */
  attemptsSent = 0; retries = 0; hedges = 0;
  /**
   * Server time spent on work nobody was waiting for any more (abandoned or lost hedges), ms.
   * Initialised with a fraction, then 0 in the constructor, so that V8 keeps it as a double from
   * the start: a field first created as a small integer changes representation at the first
   * fractional value (the first abandoned attempt, often long into a run), which deprecates the
   * Stats map and deoptimizes every optimized function that reads stats (the short path).
   */
  wastedWorkMs = 0.5;
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
  /** Latency of succeeded requests (arrival to final answer, over all attempts). */
  readonly latency: Histogram;
  readonly latencyStats = new Welford();
  /** Request transitions [from * NREQ + to] and attempt transitions [from * NATT + to], measured. */
  readonly requestTransitions = new Float64Array(NREQ * NREQ);
  readonly attemptTransitions = new Float64Array(NATT * NATT);
  /** Requests that succeeded (measured or not), and their count at the end of the warm-up. */
  successes = 0;
  private successesAtWarmup = 0;
  /** Completions inside the window, frozen when it closes. */
  private windowCounts: { succeeded: number; serverCompletions: number } | null = null;
  /** The window closed before the warm-up ended: nothing was measured. */
  private closedEmpty = false;
  /** When the measurement window ends (last arrival or stop time); Infinity while not known. */
  windowEndMs = Infinity;

  constructor(private readonly pool: ServerPool, private readonly clock: Simulation, warmupMs: number, significantDigits?: number) {
    this.latency = new Histogram(significantDigits);
    this.measuring = warmupMs <= 0;
    this.wastedWorkMs = 0;
  }

  /** A measured request ended in terminal request state `to` after `latencyMs` (successes only). */
  ended(to: number, latencyMs: number): void {
    this.inFlight--;
    this.ends[to]++;
    if (to === SUCCEEDED) {
      this.latency.record(latencyMs);
      this.latencyStats.add(latencyMs);
    }
  }

  /** The warm-up is over: what happened before is forgotten; requests arriving now are measured. */
  warmupEnded(): void {
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
  }

  /** True once the window has closed. */
  get windowClosed(): boolean {
    return this.pool.closed !== null;
  }

  /**
   * The arrivals end at `endMs` (NaN: not yet): the window closes then — now, or by a WindowEnd
   * event. The first end named counts (a closed loop names it when its last request is committed).
   */
  arrivalsEnded(endMs: number): void {
    if (endMs !== endMs || this.windowEndMs !== Infinity) return;
    this.windowEndMs = endMs;
    const sim = this.clock;
    if (endMs <= sim.now) this.closeWindow(sim.now);
    else sim.schedule(endMs, EventKind.WindowEnd, 0);
  }

  /** The run is over: a window still open closes at its end (idle until then) or now. */
  runEnded(): void {
    const now = this.clock.now, end = this.windowEndMs;
    this.closeWindow(end === Infinity ? now : Math.max(now, end));
  }

  /** Freezes the window's figures at `endMs` (≥ now; beyond now only when nothing happens until then). */
  closeWindow(endMs: number): void {
    if (this.pool.closed) return;
    if (!this.measuring) {
      this.pool.closeWindow(endMs, true);
      this.closedEmpty = true;
      this.windowCounts = { succeeded: 0, serverCompletions: 0 };
      return;
    }
    this.pool.closeWindow(endMs);
    this.windowCounts = { succeeded: this.successes - this.successesAtWarmup, serverCompletions: this.serverCompletions };
  }

  /**
   * The measurement window, from the end of the warm-up to the last arrival (or the stop time):
   * the servers' time-weighted figures over it and the completions inside it. Per-request figures
   * (counts, latency) follow the requests that arrived in it to their end instead (the drain).
   * Frozen once the window has closed; before, as things stand now.
   */
  window(): MeasuredWindow {
    const pool = this.pool;
    if (pool.closed && this.windowCounts) return { ...pool.closed, ...this.windowCounts };
    if (!this.measuring) {
      const n = pool.size, now = this.clock.now;
      return {
        fromMs: now, toMs: now, busyMs: new Float64Array(n), queueArea: new Float64Array(n), stateTimeMs: new Float64Array(pool.stateTime.length),
        completed: new Float64Array(n), dropped: new Float64Array(n), succeeded: 0, serverCompletions: 0,
      };
    }
    return { ...pool.window(), succeeded: this.successes - this.successesAtWarmup, serverCompletions: this.serverCompletions };
  }

  /** The run ended inside the warm-up: nothing was measured. */
  get measuredNothing(): boolean {
    return !this.measuring || this.closedEmpty;
  }
}
