/**
 * A concurrency limit at each server of a service: at most `limit` attempts admitted at once
 * (queued, in service or waiting for their calls); more are rejected at once, a fast failure their
 * caller handles per its edge policy. Static (`{static: n}`), or adaptive by AIMD as in Netflix's
 * concurrency-limits (`AIMDLimit`, github.com/Netflix/concurrency-limits): on each answer the limit
 * grows by 1 when the attempt took at most `timeoutMs` and the server was using at least half its
 * limit (not app-limited), and is multiplied by `backoffRatio` (floored, at least `minLimit`) when
 * it took longer or was dropped (queue full, shed, or withdrawn by a caller that timed out). An
 * attempt that failed for another reason (an error answer, a failed call) says nothing about load.
 * Defaults are Netflix's: initial 20, min 20, max 200, backoff 0.9, timeout 5 s.
 */

import { checkTransition, transitionTable, type StateMachine } from './states.js';

/**
 * Each server's limit as a state machine: ADMITTING while fewer than `limit` attempts are admitted,
 * AT_LIMIT while the next would be refused. AIMD moves the limit itself on answers: an increase or
 * a decrease that leaves the state as it was is a self-transition (counted apart as `increases` and
 * `decreases`); one that crosses (a decrease to at most the attempts in flight, an increase above
 * them) is the crossing transition.
 */
export const LimitState = { Admitting: 0, AtLimit: 1 } as const;
export const LIMIT_STATE_NAMES = ['admitting', 'at-limit'] as const;
export const LIMIT_MACHINE: StateMachine = {
  name: 'limit',
  states: LIMIT_STATE_NAMES,
  initial: LimitState.Admitting,
  terminal: [],
  transitions: [
    [LimitState.Admitting, LimitState.AtLimit, 'admitted up to the limit, or AIMD decrease to in flight'],
    [LimitState.AtLimit, LimitState.Admitting, 'an attempt ended, or AIMD increase above in flight'],
    [LimitState.Admitting, LimitState.Admitting, 'AIMD: limit + 1, or × backoffRatio (slow or dropped answer)'],
    [LimitState.AtLimit, LimitState.AtLimit, 'AIMD: limit + 1, or × backoffRatio (slow or dropped answer)'],
  ],
};
const LIMIT_ALLOWED = transitionTable(LIMIT_MACHINE);

export interface AimdConfig {
  initialLimit: number;
  minLimit: number;
  maxLimit: number;
  backoffRatio: number;
  /** An answer slower than this counts as a drop, ms. */
  timeoutMs: number;
}

export type LimitConfig = { static: number } | { aimd: AimdConfig };

export const AIMD_DEFAULTS: AimdConfig = { initialLimit: 20, minLimit: 20, maxLimit: 200, backoffRatio: 0.9, timeoutMs: 5000 };

/** How an attempt admitted under the limit ended, for the limit's adaptation. */
export const LimitOutcome = { Ok: 0, Dropped: 1, Ignored: 2 } as const;

export class ConcurrencyLimit {
  /** Each server's limit now and attempts admitted there now. */
  readonly limit: Float64Array;
  readonly inFlight: Int32Array;
  /** Attempts refused because their server was at its limit (measured ones). */
  refused = 0;
  /** The lowest and highest limit any server had. */
  lowest: number;
  highest: number;
  /** ∫ limit dt per server since time 0, without the open interval (see `meanLimit`). */
  private readonly area: Float64Array;
  private readonly since: Float64Array;
  private readonly aimd: AimdConfig | null;
  /** Each server's state (LimitState) and since when; time in each state summed over the servers, transitions [from * 2 + to]. */
  private readonly state: Uint8Array;
  private readonly stateSince: Float64Array;
  readonly stateTimeMs = new Float64Array(2);
  readonly transitions = new Float64Array(4);
  /** AIMD changes of the limit, over all servers. */
  increases = 0;
  decreases = 0;

  constructor(readonly config: LimitConfig, readonly size: number, private readonly clock: { readonly now: number }) {
    this.aimd = 'aimd' in config ? config.aimd : null;
    this.limit = new Float64Array(size).fill('aimd' in config ? config.aimd.initialLimit : config.static);
    this.inFlight = new Int32Array(size);
    this.area = new Float64Array(size);
    this.since = new Float64Array(size);
    this.state = new Uint8Array(size);
    this.stateSince = new Float64Array(size);
    this.lowest = this.highest = this.limit[0] ?? 0;
  }

  /** An attempt reaches server `s` (local index): true if admitted (counted in flight). */
  tryAcquire(s: number, measured: number): boolean {
    if (this.inFlight[s] >= this.limit[s]) {
      this.refused += measured;
      return false;
    }
    if (++this.inFlight[s] >= this.limit[s]) this.enter(s, LimitState.AtLimit);
    return true;
  }

  /** An attempt admitted at server `s` ended after `rttMs` with `outcome` (a LimitOutcome). */
  release(s: number, rttMs: number, outcome: number): void {
    const inFlight = this.inFlight[s]--;
    const c = this.aimd;
    if (c === null || outcome === LimitOutcome.Ignored) {
      if (this.state[s] === LimitState.AtLimit && inFlight - 1 < this.limit[s]) this.enter(s, LimitState.Admitting);
      return;
    }
    const limit = this.limit[s];
    let next = limit;
    if (outcome === LimitOutcome.Dropped || rttMs > c.timeoutMs) next = Math.max(c.minLimit, Math.floor(limit * c.backoffRatio));
    else if (inFlight * 2 >= limit) next = Math.min(c.maxLimit, limit + 1);
    if (next !== limit) {
      const now = this.clock.now;
      this.area[s] += limit * (now - this.since[s]);
      this.since[s] = now;
      this.limit[s] = next;
      if (next < this.lowest) this.lowest = next;
      if (next > this.highest) this.highest = next;
      if (next > limit) this.increases++;
      else this.decreases++;
    }
    const to = inFlight - 1 >= next ? LimitState.AtLimit : LimitState.Admitting;
    if (to !== this.state[s]) this.enter(s, to);
    else if (next !== limit) this.count(to, to);
  }

  /** Server `s` moves to state `to`. */
  private enter(s: number, to: number): void {
    const from = this.state[s], now = this.clock.now;
    this.count(from, to);
    this.stateTimeMs[from] += now - this.stateSince[s];
    this.stateSince[s] = now;
    this.state[s] = to;
  }

  private count(from: number, to: number): void {
    checkTransition(LIMIT_MACHINE, LIMIT_ALLOWED, from, to, -1);
    this.transitions[from * 2 + to]++;
  }

  /** Time in each state up to now, summed over the servers (server-ms). */
  timeMs(): number[] {
    const t = Array.from(this.stateTimeMs), now = this.clock.now;
    for (let s = 0; s < this.size; s++) t[this.state[s]] += now - this.stateSince[s];
    return t;
  }

  /** The time-weighted mean limit over [0, now], averaged over the servers. */
  meanLimit(): number {
    const now = this.clock.now;
    if (!(now > 0)) return this.size > 0 ? this.limit[0] : 0;
    let sum = 0;
    for (let s = 0; s < this.size; s++) sum += (this.area[s] + this.limit[s] * (now - this.since[s])) / now;
    return this.size > 0 ? sum / this.size : 0;
  }
}
