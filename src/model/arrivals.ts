/**
 * Arrival processes: each returns the absolute time of the next arrival after `nowMs`
 * (Infinity when it has no more), drawing from its own stream.
 *
 * Time-varying rates (on/off bursts, linear ramp) are sampled exactly by inverting the
 * cumulative rate: draw E ~ Exp(1) and find t with ∫_now^t λ(s) ds = E.
 */
import { exp1 as importedExp1, type Rng } from '../random/rng.js';

/** As a module constant: an import is loaded from its module cell, with a TDZ check, at every use (each arrival). */
const exp1 = importedExp1;

export type ArrivalSpec =
  | { process: 'poisson'; ratePerSec: number; changes?: RateChange[] }
  | { process: 'constant'; ratePerSec: number; changes?: RateChange[] }
  | { process: 'on-off'; onMs: number; offMs: number; ratePerSec: number; offRatePerSec: number }
  | { process: 'ramp'; fromPerSec: number; toPerSec: number; overMs: number }
  | { process: 'trace'; timesMs: number[]; costsMs?: number[]; keys?: number[] };

/** From `atMs` on, the rate is `ratePerSec` (0 pauses arrivals); a story's `rate` step. */
export interface RateChange {
  atMs: number;
  ratePerSec: number;
}

export const ARRIVAL_PROCESSES = ['poisson', 'constant', 'on-off', 'ramp', 'trace'] as const;

export interface ArrivalProcess {
  next(nowMs: number): number;
  /** Cost (ms at speed 1) of the arrival just returned, when the process dictates it; else NaN. */
  readonly costMs: number;
  /** Hash key of the arrival just returned, when the process dictates it; else -1. */
  readonly key: number;
  /** Long-run mean arrivals per second (for ρ and reports). */
  readonly meanRatePerSec: number;
}


export function createArrivals(spec: ArrivalSpec, rng: Rng): ArrivalProcess {
  switch (spec.process) {
    case 'poisson': {
      if (spec.changes?.length) return stepped(spec.ratePerSec, spec.changes, () => exp1(rng));
      const meanGapMs = 1000 / spec.ratePerSec;
      return { costMs: NaN, key: -1, meanRatePerSec: spec.ratePerSec, next: (now) => now + exp1(rng) * meanGapMs };
    }
    case 'constant': {
      if (spec.changes?.length) return stepped(spec.ratePerSec, spec.changes, () => 1);
      const gapMs = 1000 / spec.ratePerSec;
      return { costMs: NaN, key: -1, meanRatePerSec: spec.ratePerSec, next: (now) => now + gapMs };
    }
    case 'on-off':
      return onOff(spec, rng);
    case 'ramp':
      return ramp(spec, rng);
    case 'trace':
      return trace(spec);
  }
}

/** Rate `ratePerSec` for `onMs`, then `offRatePerSec` for `offMs`, repeating from time 0. */
function onOff(spec: Extract<ArrivalSpec, { process: 'on-off' }>, rng: Rng): ArrivalProcess {
  const period = spec.onMs + spec.offMs;
  const on = spec.ratePerSec / 1000, off = spec.offRatePerSec / 1000;
  const perPeriod = on * spec.onMs + off * spec.offMs;
  return {
    costMs: NaN,
    key: -1,
    meanRatePerSec: (perPeriod / period) * 1000,
    next(now) {
      if (perPeriod <= 0) return Infinity;
      let e = exp1(rng);
      // Whole periods first, then walk the on and off segments.
      const whole = Math.floor(e / perPeriod);
      e -= whole * perPeriod;
      let t = now + whole * period;
      // Walk segments by index (period k, on or off), so that every step moves to the next
      // segment: deriving the phase from t in floating point can leave `left` below t's ulp and
      // t + left === t (an endless loop, found by review).
      let k = Math.floor(t / period);
      let inOn = t - k * period < spec.onMs;
      for (;;) {
        const end = inOn ? k * period + spec.onMs : (k + 1) * period;
        const left = Math.max(0, end - t);
        const rate = inOn ? on : off;
        if (rate > 0 && e <= rate * left) return t + e / rate;
        e -= rate * left;
        if (end > t) t = end;
        if (inOn) inOn = false;
        else {
          inOn = true;
          k++;
        }
      }
    },
  };
}

/**
 * A rate that steps to `changes[k].ratePerSec` at `changes[k].atMs` (ascending), starting at
 * `ratePerSec`: the next arrival is where the rate's integral from now reaches `work()` — Exp(1)
 * for Poisson, 1 for constant spacing (so a constant stream keeps its phase across a step).
 */
function stepped(ratePerSec: number, changes: readonly RateChange[], work: () => number): ArrivalProcess {
  const at = [0, ...changes.map((c) => c.atMs)];
  const rate = [ratePerSec, ...changes.map((c) => c.ratePerSec)].map((r) => r / 1000);
  return {
    costMs: NaN,
    key: -1,
    meanRatePerSec: ratePerSec,
    next(now) {
      let e = work(), t = now, k = 0;
      while (k + 1 < at.length && at[k + 1] <= t) k++;
      for (;;) {
        const end = k + 1 < at.length ? at[k + 1] : Infinity;
        if (rate[k] > 0 && e <= rate[k] * (end - t)) return t + e / rate[k];
        if (end === Infinity) return Infinity;
        e -= rate[k] * (end - t);
        t = end;
        k++;
      }
    },
  };
}

/** Rate rising (or falling) linearly from `fromPerSec` to `toPerSec` over `overMs`, then flat. */
function ramp(spec: Extract<ArrivalSpec, { process: 'ramp' }>, rng: Rng): ArrivalProcess {
  const r0 = spec.fromPerSec / 1000, r1 = spec.toPerSec / 1000, T = spec.overMs;
  const slope = (r1 - r0) / T;
  return {
    costMs: NaN,
    key: -1,
    meanRatePerSec: spec.toPerSec,
    next(now) {
      let e = exp1(rng);
      if (now < T) {
        const rNow = r0 + slope * now;
        const inRamp = (rNow + r1) * 0.5 * (T - now);
        if (e <= inRamp) {
          // Solve rNow·x + slope·x²/2 = e for the gap x ≥ 0.
          if (Math.abs(slope) < 1e-15) return now + e / rNow;
          const disc = rNow * rNow + 2 * slope * e;
          const x = (2 * e) / (rNow + Math.sqrt(Math.max(0, disc)));
          return now + x;
        }
        e -= inRamp;
        now = T;
      }
      return r1 > 0 ? now + e / r1 : Infinity;
    },
  };
}

/** Replays recorded arrival times (sorted ascending), with optional per-request costs and keys. */
function trace(spec: Extract<ArrivalSpec, { process: 'trace' }>): ArrivalProcess {
  const times = spec.timesMs;
  let i = 0;
  const durationMs = times.length > 1 ? times[times.length - 1] - times[0] : 0;
  const process = {
    costMs: NaN,
    key: -1,
    meanRatePerSec: durationMs > 0 ? ((times.length - 1) / durationMs) * 1000 : 0,
    next(): number {
      if (i >= times.length) return Infinity;
      process.costMs = spec.costsMs ? spec.costsMs[i] : NaN;
      process.key = spec.keys ? spec.keys[i] : -1;
      return times[i++];
    },
  };
  return process;
}
