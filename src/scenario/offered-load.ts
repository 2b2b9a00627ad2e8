/**
 * Offered load: ρ = λ · E[S] / capacity, the share of the pool's capacity the arrivals ask for.
 *
 * - λ (`arrivalRatePerSec`) is the long-run mean arrival rate of the arrival process: poisson and
 *   constant, `ratePerSec`; on-off, the time-weighted mean of the two phases; ramp, `toPerSec`
 *   (the process keeps that rate after the ramp, so it is the long-run mean); trace, the gaps
 *   between the arrivals the run replays ((n − 1) over the span of the first n times the stop rule
 *   lets through; Infinity for n > 1 arrivals at one instant). `peakRatePerSec` is the highest
 *   instantaneous rate (on-off: the larger phase rate; ramp: the larger end).
 * - E[S] (`meanServiceMs`) is the mean cost at speed 1: the service distribution's mean
 *   (Infinity for tails without one, e.g. Pareto with alpha ≤ 1), or the mean of the replayed
 *   trace costs when the trace carries them.
 * - capacity is Σ count × concurrency × speed over the groups, in speed-1 slots, with every server
 *   up: failures, slowdowns and warm-up take capacity away, retries and hedges add work (ρ counts
 *   each request once).
 * - A closed loop is not open: its clients wait for answers, so it cannot overload the pool.
 *   `kind: 'closed'` and λ is the asymptotic throughput bound of operational analysis (Denning
 *   & Buzen 1978), min(N / (E[think] + E[S] / fastest speed), capacity / E[S]); ρ is an upper
 *   bound, at most 1 (exactly 1 when E[S] is infinite).
 *
 * Per group: a balancer that spreads traffic in proportion to capacity loads every group at ρ.
 * Policies blind to capacity do not: `evenRho` is the group's ρ when every server gets the same
 * share of requests (round robin, random, hashing), `weightedRho` when servers get traffic in
 * proportion to their weight (the weighted policies). A group far above ρ there is the one such
 * policies overload.
 */
import { createDistribution } from '../random/distributions.js';
import type { Scenario } from './scenario.js';

export interface GroupLoad {
  /** The group's `name`, else `group <index>`. */
  name: string;
  /** count × concurrency × speed of the group over that of the pool (0..1). */
  capacityShare: number;
  /** ρ of the group when each server receives the same share of requests. */
  evenRho: number;
  /** ρ of the group when servers receive requests in proportion to weight; NaN when all weights are 0. */
  weightedRho: number;
}

export interface OfferedLoad {
  /** 'open': arrivals come regardless of the servers; 'closed': `rho` is an upper bound (≤ 1). */
  kind: 'open' | 'closed';
  /** λ · E[S] / capacity; Infinity when E[S] is, 0 when λ is 0. */
  rho: number;
  /** ρ at `peakRatePerSec`. */
  peakRho: number;
  /** λ, requests per second (see the header for each process). */
  arrivalRatePerSec: number;
  peakRatePerSec: number;
  /** E[S], ms at speed 1. */
  meanServiceMs: number;
  /** Σ count × concurrency × speed (speed-1 slots). */
  capacity: number;
  /** How λ was obtained, for people. */
  rate: string;
  groups: GroupLoad[];
}

export function offeredLoad(scenario: Scenario): OfferedLoad {
  const capacity = scenario.servers.reduce((c, g) => c + g.count * g.concurrency * g.speed, 0);
  const arrivals = scenario.arrivals;
  let meanServiceMs = createDistribution(scenario.service).meanMs;
  let kind: OfferedLoad['kind'] = 'open';
  let rate: number, peak: number, how: string;
  switch (arrivals.process) {
    case 'poisson':
    case 'constant':
      rate = peak = arrivals.ratePerSec;
      how = `${arrivals.process} rate`;
      break;
    case 'on-off': {
      const { ratePerSec: on, offRatePerSec: off, onMs, offMs } = arrivals;
      rate = (on * onMs + off * offMs) / (onMs + offMs);
      peak = Math.max(on, off);
      how = 'time-weighted mean of the on and off rates';
      break;
    }
    case 'ramp':
      rate = arrivals.toPerSec;
      peak = Math.max(arrivals.fromPerSec, arrivals.toPerSec);
      how = `the ramp's final rate, held after ${arrivals.overMs} ms`;
      break;
    case 'trace': {
      const n = replayedArrivals(scenario);
      const times = arrivals.timesMs;
      const spanMs = n > 0 ? times[n - 1] - times[0] : 0;
      rate = peak = n <= 1 ? 0 : spanMs > 0 ? ((n - 1) / spanMs) * 1000 : Infinity;
      how = `${n} replayed arrival${n === 1 ? '' : 's'} over ${spanMs} ms`;
      if (arrivals.costsMs && n > 0) {
        let sum = 0;
        for (let i = 0; i < n; i++) sum += arrivals.costsMs[i];
        meanServiceMs = sum / n;
      }
      break;
    }
    case 'closed': {
      kind = 'closed';
      const thinkMs = createDistribution(arrivals.thinkMs).meanMs;
      const fastest = scenario.servers.reduce((m, g) => Math.max(m, g.speed), 0);
      // Each client's cycle lasts at least think + service at the fastest server (ms).
      const cycleMs = thinkMs + meanServiceMs / fastest;
      rate = peak = Math.min((arrivals.clients / cycleMs) * 1000, (capacity / meanServiceMs) * 1000);
      how = `closed loop: at most ${arrivals.clients} clients / (mean think + mean service)`;
      break;
    }
  }
  let rho = utilisation(rate, meanServiceMs, capacity);
  // A closed loop's bound; without a finite mean service only the trivial bound 1 is left.
  if (kind === 'closed') rho = Number.isFinite(meanServiceMs) ? Math.min(1, rho) : 1;
  const servers = scenario.servers.reduce((n, g) => n + g.count, 0);
  const weightTotal = scenario.servers.reduce((w, g) => w + g.count * g.weight, 0);
  const groups = scenario.servers.map((g, i): GroupLoad => {
    const groupCapacity = g.count * g.concurrency * g.speed;
    return {
      name: g.name ?? `group ${i}`,
      capacityShare: groupCapacity / capacity,
      evenRho: utilisation((rate * g.count) / servers, meanServiceMs, groupCapacity),
      weightedRho: weightTotal > 0 ? utilisation((rate * g.count * g.weight) / weightTotal, meanServiceMs, groupCapacity) : NaN,
    };
  });
  return {
    kind,
    rho,
    peakRho: kind === 'closed' ? rho : utilisation(peak, meanServiceMs, capacity),
    arrivalRatePerSec: rate,
    peakRatePerSec: peak,
    meanServiceMs,
    capacity,
    rate: how,
    groups,
  };
}

/** ρ of `ratePerSec` requests of mean cost `meanMs` on `capacity` speed-1 slots; 0 without arrivals or work (no 0 · ∞). */
function utilisation(ratePerSec: number, meanMs: number, capacity: number): number {
  return ratePerSec === 0 || meanMs === 0 ? 0 : ((ratePerSec / 1000) * meanMs) / capacity;
}

/**
 * How many of a trace's arrivals the run replays: the first `stop.requests` (all without it),
 * of those before `stop.timeMs`.
 */
export function replayedArrivals(scenario: Scenario): number {
  if (scenario.arrivals.process !== 'trace') return 0;
  const times = scenario.arrivals.timesMs;
  let n = Math.min(times.length, scenario.stop.requests ?? Infinity);
  const stopMs = scenario.stop.timeMs ?? Infinity;
  while (n > 0 && times[n - 1] >= stopMs) n--;
  return n;
}
