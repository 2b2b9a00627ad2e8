/**
 * Arrival processes: each returns the absolute time of the next arrival after `nowMs`
 * (Infinity when it has no more), drawing from its own stream.
 *
 * Time-varying rates (on/off bursts, linear ramp) are sampled exactly by inverting the
 * cumulative rate: draw E ~ Exp(1) and find t with ∫_now^t λ(s) ds = E.
 */
import { exp1, type Rng } from '../random/rng.js';

export type ArrivalSpec =
  | { process: 'poisson'; ratePerSec: number }
  | { process: 'constant'; ratePerSec: number }
  | { process: 'on-off'; onMs: number; offMs: number; ratePerSec: number; offRatePerSec: number }
  | { process: 'ramp'; fromPerSec: number; toPerSec: number; overMs: number }
  | { process: 'trace'; timesMs: number[]; costsMs?: number[]; keys?: number[] };

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
      const meanGapMs = 1000 / spec.ratePerSec;
      return { costMs: NaN, key: -1, meanRatePerSec: spec.ratePerSec, next: (now) => now + exp1(rng) * meanGapMs };
    }
    case 'constant': {
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
      for (;;) {
        const phase = t - Math.floor(t / period) * period;
        const inOn = phase < spec.onMs;
        const rate = inOn ? on : off;
        const left = inOn ? spec.onMs - phase : period - phase;
        if (rate > 0 && e <= rate * left) return t + e / rate;
        e -= rate * left;
        t += left;
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
