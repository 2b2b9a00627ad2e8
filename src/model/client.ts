/**
 * What a client does about a request: deadlines, retries with backoff and jitter, a retry budget,
 * hedging. Pure policy; the model applies it.
 */
import type { Rng } from '../random/rng.js';

export const JITTERS = ['none', 'full', 'equal', 'decorrelated'] as const;
export type Jitter = (typeof JITTERS)[number];

export interface RetryConfig {
  /** Retries after the first attempt. */
  max: number;
  baseMs: number;
  capMs: number;
  jitter: Jitter;
  /**
   * Token bucket limiting retries: every new request deposits `ratio` tokens, `minPerSec` tokens
   * accrue per second, at most `burst` are kept; a retry spends one (Finagle's RetryBudget
   * defaults: ratio 0.2, minPerSec 10). Absent = unlimited.
   */
  budget?: { ratio: number; minPerSec: number; burst: number };
}

export interface HedgeConfig {
  /** Send another copy this long after the last one, while no answer came back... */
  afterMs?: number;
  /** ...or after the observed `percentile` (e.g. 95) of latency so far (`afterMs` until 100 answers). */
  percentile?: number;
  /** Extra copies at most (default 1). */
  max: number;
}

export interface ClientConfig {
  /** Per-attempt timeout: the client gives up on an attempt after this long. */
  timeoutMs?: number;
  /** Overall deadline of a request, over all its attempts. */
  deadlineMs?: number;
  /** A request sent to a server that is down fails after this long (default 0: refused at once). */
  connectTimeoutMs: number;
  /** true: work the client gave up on is withdrawn from the server; false: it runs on, wasted. */
  cancel: boolean;
  retries?: RetryConfig;
  hedge?: HedgeConfig;
}

/**
 * The wait before retry number `retry` (1, 2, ...), with `t = min(cap, base · 2^(retry − 1))`:
 * none `t`; full `U(0, t)`; equal `t/2 + U(0, t/2)`; decorrelated `min(cap, U(base, 3 · prev))`.
 * Source: M. Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog, 2015.
 */
export function backoffMs(config: RetryConfig, retry: number, previousMs: number, rng: Rng): number {
  const t = Math.min(config.capMs, config.baseMs * 2 ** (retry - 1));
  switch (config.jitter) {
    case 'none':
      return t;
    case 'full':
      return rng.next() * t;
    case 'equal':
      return t / 2 + rng.next() * (t / 2);
    case 'decorrelated': {
      const prev = previousMs > 0 ? previousMs : config.baseMs;
      const hi = Math.max(config.baseMs, prev * 3);
      return Math.min(config.capMs, config.baseMs + rng.next() * (hi - config.baseMs));
    }
  }
}

/** The retry budget's token bucket (see RetryConfig.budget). */
export class RetryBudget {
  private tokens: number;
  private lastMs = 0;

  constructor(private readonly config: { ratio: number; minPerSec: number; burst: number }) {
    this.tokens = 0;
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.config.burst, this.tokens + ((now - this.lastMs) / 1000) * this.config.minPerSec);
    this.lastMs = now;
  }

  /** A new request arrived. */
  deposit(now: number): void {
    this.refill(now);
    this.tokens = Math.min(this.config.burst, this.tokens + this.config.ratio);
  }

  /** Spends a token for a retry if one is there. */
  tryWithdraw(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1 - 1e-9) return false; // tolerate rounding in sums of `ratio`
    this.tokens -= 1;
    return true;
  }
}
