/**
 * A circuit breaker on an edge, as Resilience4j's count-based one: CLOSED records the outcome of
 * each attempt in a sliding window of the last `window`; once at least `minCalls` are recorded
 * and `failureRatePercent` of them failed, it OPENs and refuses every attempt at once for
 * `openMs`; then HALF_OPEN lets `halfOpenCalls` trial attempts through: if their failure rate is
 * still at the threshold it opens again, else it closes with an empty window. Failures are the
 * caller's view: errors, timeouts, drops and rejections by the callee. Refusals are not recorded.
 * With `windowMs` the window is Resilience4j's TIME_BASED one instead: outcomes are summed in one
 * bucket per second of simulated time (seconds from 0, as Resilience4j's epoch seconds), and the
 * window holds the current second's bucket and the `windowMs / 1000 - 1` before it, so it spans
 * between windowMs - 1000 and windowMs of the latest outcomes; `minCalls` counts over all of them.
 * Source: resilience4j-circuitbreaker, CircuitBreakerStateMachine, FixedSizeSlidingWindowMetrics
 * (COUNT_BASED) and SlidingTimeWindowMetrics (TIME_BASED, partial aggregations per epoch second).
 */
import type { StateMachine } from './states.js';

export const BreakerState = { Closed: 0, Open: 1, HalfOpen: 2 } as const;
export const BREAKER_STATE_NAMES = ['closed', 'open', 'half-open'] as const;
/** `breaker.windowType`: Resilience4j's COUNT_BASED or TIME_BASED sliding window. */
export const BREAKER_WINDOW_TYPES = ['count', 'time'] as const;

const B = BreakerState;
export const BREAKER_MACHINE: StateMachine = {
  name: 'breaker',
  states: BREAKER_STATE_NAMES,
  initial: B.Closed,
  terminal: [],
  transitions: [
    [B.Closed, B.Open, 'failure rate ≥ threshold'],
    [B.Open, B.HalfOpen, 'openMs passed'],
    [B.HalfOpen, B.Open, 'trial calls failed'],
    [B.HalfOpen, B.Closed, 'trial calls succeeded'],
  ],
};

export interface BreakerConfig {
  /** Count-based window: outcomes kept (absent when time-based). */
  window?: number;
  /** Time-based window (Resilience4j TIME_BASED): `windowType: 'time'` and its length, whole seconds in ms. */
  windowType?: 'time';
  windowMs?: number;
  minCalls: number;
  failureRatePercent: number;
  openMs: number;
  halfOpenCalls: number;
}

export class CircuitBreaker {
  state: number = B.Closed;
  /** Time in each state [closed, open, half-open] up to the last change, ms; transitions [from * 3 + to]. */
  readonly stateTimeMs = new Float64Array(3);
  readonly transitions = new Float64Array(9);
  /** Attempts refused while open (or beyond the half-open trials). */
  refused = 0;
  private since = 0;
  private openUntil = 0;
  /** Ring of the last `window` outcomes (1 = failure). */
  private readonly ring: Uint8Array;
  private next = 0;
  private recorded = 0;
  private failures = 0;
  /** Half-open: trial attempts let through, and their outcomes so far. */
  private trials = 0;
  private trialOutcomes = 0;
  private trialFailures = 0;
  /** Time-based window: outcomes and failures per bucket (second `s` in bucket `s % n`), the latest second. */
  private readonly bucketCalls: Float64Array | null = null;
  private readonly bucketFailures: Float64Array | null = null;
  private headSecond = 0;

  constructor(readonly config: BreakerConfig, private readonly clock: { readonly now: number }) {
    if (config.windowMs !== undefined) {
      const n = Math.round(config.windowMs / 1000);
      this.bucketCalls = new Float64Array(n);
      this.bucketFailures = new Float64Array(n);
      this.ring = new Uint8Array(0);
    } else {
      this.ring = new Uint8Array(config.window ?? 100);
    }
  }

  /** May an attempt go through now? (Counts a refusal when not.) */
  permits(): boolean {
    const now = this.clock.now;
    if (this.state === B.Open) {
      if (now < this.openUntil) {
        this.refused++;
        return false;
      }
      this.enter(B.HalfOpen);
    }
    if (this.state === B.HalfOpen) {
      if (this.trials >= this.config.halfOpenCalls) {
        this.refused++;
        return false;
      }
      this.trials++;
    }
    return true;
  }

  /** An attempt that went through ended: `failed` or not. */
  record(failed: boolean): void {
    if (this.state === B.HalfOpen) {
      this.trialOutcomes++;
      if (failed) this.trialFailures++;
      if (this.trialOutcomes >= this.config.halfOpenCalls) {
        if (this.trialFailures * 100 >= this.config.failureRatePercent * this.trialOutcomes) this.open();
        else this.enter(B.Closed);
      }
      return;
    }
    if (this.state !== B.Closed) return; // an attempt sent before it opened
    if (this.bucketCalls !== null) {
      this.recordInTime(failed);
      return;
    }
    const w = this.ring.length;
    if (this.recorded === w) this.failures -= this.ring[this.next];
    else this.recorded++;
    this.ring[this.next] = failed ? 1 : 0;
    this.failures += failed ? 1 : 0;
    this.next = (this.next + 1) % w;
    if (this.recorded >= this.config.minCalls && this.failures * 100 >= this.config.failureRatePercent * this.recorded) this.open();
  }

  /** Time-based window: moves it to the current second (emptying the buckets it passed), then adds. */
  private recordInTime(failed: boolean): void {
    const calls = this.bucketCalls!;
    const fails = this.bucketFailures!;
    const n = calls.length;
    const second = Math.floor(this.clock.now / 1000);
    if (second > this.headSecond) {
      const last = Math.min(second, this.headSecond + n);
      for (let s = this.headSecond + 1; s <= last; s++) {
        const i = s % n;
        this.recorded -= calls[i];
        this.failures -= fails[i];
        calls[i] = fails[i] = 0;
      }
      this.headSecond = second;
    }
    const i = second % n;
    calls[i]++;
    this.recorded++;
    if (failed) {
      fails[i]++;
      this.failures++;
    }
    if (this.recorded >= this.config.minCalls && this.failures * 100 >= this.config.failureRatePercent * this.recorded) this.open();
  }

  /** Time in each state up to `now` (the current state's open interval included). */
  timeMs(now: number): number[] {
    const t = Array.from(this.stateTimeMs);
    t[this.state] += now - this.since;
    return t;
  }

  private open(): void {
    this.enter(B.Open);
    this.openUntil = this.clock.now + this.config.openMs;
  }

  private enter(to: number): void {
    const now = this.clock.now;
    this.stateTimeMs[this.state] += now - this.since;
    this.transitions[this.state * 3 + to]++;
    this.since = now;
    this.state = to;
    this.trials = this.trialOutcomes = this.trialFailures = 0;
    if (to === B.Closed) {
      this.ring.fill(0);
      this.bucketCalls?.fill(0);
      this.bucketFailures?.fill(0);
      this.next = this.recorded = this.failures = 0;
    }
  }
}
