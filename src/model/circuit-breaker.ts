/**
 * A circuit breaker on an edge, as Resilience4j's count-based one: CLOSED records the outcome of
 * each attempt in a sliding window of the last `window`; once at least `minCalls` are recorded
 * and `failureRatePercent` of them failed, it OPENs and refuses every attempt at once for
 * `openMs`; then HALF_OPEN lets `halfOpenCalls` trial attempts through: if their failure rate is
 * still at the threshold it opens again, else it closes with an empty window. Failures are the
 * caller's view: errors, timeouts, drops and rejections by the callee. Refusals are not recorded.
 * Source: resilience4j-circuitbreaker, CircuitBreakerStateMachine (COUNT_BASED sliding window).
 */
import type { StateMachine } from './states.js';

export const BreakerState = { Closed: 0, Open: 1, HalfOpen: 2 } as const;
export const BREAKER_STATE_NAMES = ['closed', 'open', 'half-open'] as const;

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
  window: number;
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

  constructor(readonly config: BreakerConfig, private readonly clock: { readonly now: number }) {
    this.ring = new Uint8Array(config.window);
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
    const w = this.config.window;
    if (this.recorded === w) this.failures -= this.ring[this.next];
    else this.recorded++;
    this.ring[this.next] = failed ? 1 : 0;
    this.failures += failed ? 1 : 0;
    this.next = (this.next + 1) % w;
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
      this.next = this.recorded = this.failures = 0;
    }
  }
}
