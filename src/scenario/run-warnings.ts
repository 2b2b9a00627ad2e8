/**
 * What is wrong with a run's design, known before it runs (the CLI prints these on stderr as
 * `lbsim: warning: …`). From the offered load and the expected course of the arrivals:
 *
 * - `no-mean-service`: the service distribution has no finite mean, so no run length settles.
 * - `overload`: an open workload with ρ ≥ 1 — queues grow for as long as the run lasts, unless
 *   every group has a `queueLimit` (which then drops at least 1 − 1/ρ of the requests).
 * - `warmup`: `stop.warmupMs` is expected to discard more than half of the run's arrivals
 *   (`stop.requests` counts warm-up arrivals too), or the run to end inside it.
 * - `short-window`: the measured window (warm-up end → expected last arrival) is shorter than 20
 *   relaxation times of the queues. τ = E[S at a server] / (1 − √ρ)² is the relaxation time of
 *   the M/M/1 queue, the inverse of its spectral gap μ(1 − √ρ)² (Morse 1955, "Stochastic
 *   properties of waiting lines", Operations Research 3; Abate & Whitt 1987, "Transient behavior
 *   of the M/M/1 queue: starting at the origin", Queueing Systems 2); a `queueLimit` shortens it
 *   (see `relaxationTimeMs`). A transient decaying like e^(−t/τ) biases an average over a window
 *   W by about τ/W of its size, so W ≥ 20τ keeps start-up and drain effects near 5% or below. It
 *   is a floor, not a precision guarantee (the variance of queueing averages falls much slower;
 *   use several seeds), and conservative: a server with c slots is taken as one of rate cμ, and
 *   balancers that pool servers (JSQ, least-connections) relax faster than independent queues.
 *   Closed loops are skipped: their queues are bounded by their clients.
 *
 * Expected arrivals use the mean rate function Λ(t) of the arrival process (exact for the
 * processes' means; a trace counts its times; a closed loop uses its throughput bound).
 */
import type { Scenario } from './scenario.js';
import { offeredLoad, replayedArrivals, type OfferedLoad } from './offered-load.js';

export interface RunWarning {
  kind: 'no-mean-service' | 'overload' | 'warmup' | 'short-window';
  message: string;
}

/** Share of the run's arrivals the warm-up may take; more raises `warmup`. */
export const WARMUP_SHARE_LIMIT = 0.5;
/** Relaxation times the measured window should span, at least. */
export const RELAXATION_TIMES = 20;

export function runWarnings(scenario: Scenario, load: OfferedLoad = offeredLoad(scenario)): RunWarning[] {
  const warnings: RunWarning[] = [];
  const rho = load.rho;
  if (!Number.isFinite(load.meanServiceMs)) {
    warnings.push({
      kind: 'no-mean-service',
      message: 'the service distribution has no finite mean (a tail as heavy as Pareto with alpha <= 1): ' +
        'the offered load is unbounded and averages never settle, however long the run',
    });
  } else if (load.kind === 'open' && rho >= 1) {
    const limited = scenario.servers.every((g) => g.queueLimit !== undefined);
    warnings.push({
      kind: 'overload',
      message: `offered load ρ = ${rhoText(rho)} >= 1: requests arrive faster than the servers can serve them, so queues grow ` +
        (limited
          ? `until the queue limits drop the excess (at least ${percentText(1 - 1 / rho)} of requests)`
          : 'for as long as the run lasts (set servers[].queueLimit to bound them: the excess is then dropped)'),
    });
  }
  const run = expectedRun(scenario, load);
  const warmupMs = scenario.stop.warmupMs;
  if (warmupMs > 0 && run.arrivals > 0) {
    if (warmupMs >= run.endMs) {
      warnings.push({
        kind: 'warmup',
        message: `the run is expected to end inside the warm-up (stop.warmupMs ${count(warmupMs)} ms, last arrival at ≈ ${count(run.endMs)} ms): ` +
          'no request would be measured; raise stop.requests or lower stop.warmupMs',
      });
    } else if (run.warmupArrivals > WARMUP_SHARE_LIMIT * run.arrivals) {
      warnings.push({
        kind: 'warmup',
        message: `stop.warmupMs (${count(warmupMs)} ms) is expected to discard ${percentText(run.warmupArrivals / run.arrivals)} of the run's arrivals ` +
          `(≈ ${count(run.warmupArrivals)} of ${count(run.arrivals)}): most of the run is not measured; raise stop.requests or lower stop.warmupMs`,
      });
    }
  }
  const windowMs = run.endMs - warmupMs;
  const tauMs = load.kind === 'open' ? relaxationTimeMs(scenario, load) : Infinity;
  if (Number.isFinite(tauMs) && windowMs > 0 && windowMs < RELAXATION_TIMES * tauMs) {
    const neededMs = RELAXATION_TIMES * tauMs;
    const { requests, timeMs } = scenario.stop;
    const bounded = scenario.servers.some((g) => g.queueLimit !== undefined);
    const raise = scenario.arrivals.process === 'trace' ? ''
      : requests !== undefined && run.endMs < (timeMs ?? Infinity) ? ` (stop.requests ≈ ${count(run.cumulative(warmupMs + neededMs))})`
      : timeMs !== undefined ? ` (stop.timeMs ≈ ${count(warmupMs + neededMs)})` : '';
    warnings.push({
      kind: 'short-window',
      message: `the measured window (≈ ${seconds(windowMs)} after the warm-up) is short against the queues' relaxation time ` +
        `τ ≈ ${seconds(tauMs)} (M/M/1${bounded ? '/N' : ''} at ρ = ${rhoText(rho)}): start-up and drain weigh on its figures; ` +
        `measure at least ${RELAXATION_TIMES}τ ≈ ${seconds(neededMs)}${raise}`,
    });
  }
  return warnings;
}

/**
 * The slowest group's relaxation time (ms) with traffic spread in proportion to capacity, each
 * server an M/M/1/N queue served at rate μ = concurrency × speed / E[S]: its spectral gap is
 * μ(1 + ρ − 2√ρ cos(π/(N + 1))) with N = queueLimit + 1 in the system (the eigenvalues of a
 * birth–death chain on 0..N), μ(1 − √ρ)² without a limit. Infinity when an unbounded group has
 * ρ ≥ 1 or E[S] is infinite; 0 without work.
 */
export function relaxationTimeMs(scenario: Scenario, load: OfferedLoad = offeredLoad(scenario)): number {
  const rho = load.rho, root = Math.sqrt(rho);
  if (!Number.isFinite(load.meanServiceMs) || !Number.isFinite(rho)) return Infinity;
  if (load.meanServiceMs === 0 || rho === 0) return 0;
  let tau = 0;
  for (const g of scenario.servers) {
    const mu = (g.concurrency * g.speed) / load.meanServiceMs;
    const n = g.queueLimit === undefined ? Infinity : g.queueLimit + 1;
    if (n === Infinity && rho >= 1) return Infinity; // a queue that grows never settles
    // 1 + ρ − 2√ρ cos x written as (1 − √ρ)² + 4√ρ sin²(x/2), exact near ρ = 1 and for large N.
    const gap = mu * ((1 - root) ** 2 + (Number.isFinite(n) ? 4 * root * Math.sin(Math.PI / (2 * (n + 1))) ** 2 : 0));
    tau = Math.max(tau, 1 / gap);
  }
  return tau;
}

interface ExpectedRun {
  /** Expected time of the run's last arrival (or its stop time), ms. */
  endMs: number;
  /** Expected arrivals in the run, warm-up included. */
  arrivals: number;
  warmupArrivals: number;
  /** Λ(t): expected arrivals in [0, t]. */
  cumulative: (tMs: number) => number;
}

function expectedRun(scenario: Scenario, load: OfferedLoad): ExpectedRun {
  const a = scenario.arrivals;
  let cumulative: (tMs: number) => number;
  let lastMs = Infinity;
  switch (a.process) {
    case 'on-off': {
      const on = a.ratePerSec / 1000, off = a.offRatePerSec / 1000, period = a.onMs + a.offMs;
      cumulative = (t) => {
        const whole = Math.floor(t / period), phase = t - whole * period;
        return whole * (on * a.onMs + off * a.offMs) + on * Math.min(phase, a.onMs) + off * Math.max(0, phase - a.onMs);
      };
      break;
    }
    case 'ramp': {
      const r0 = a.fromPerSec / 1000, r1 = a.toPerSec / 1000, T = a.overMs;
      const slope = (r1 - r0) / T;
      cumulative = (t) => (t <= T ? r0 * t + (slope * t * t) / 2 : (r0 + r1) * T / 2 + r1 * (t - T));
      if (r1 === 0) lastMs = T;
      break;
    }
    case 'trace': {
      const times = a.timesMs, n = replayedArrivals(scenario);
      cumulative = (t) => {
        let lo = 0, hi = n; // count of the first n times <= t
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (times[mid] <= t) lo = mid + 1;
          else hi = mid;
        }
        return lo;
      };
      lastMs = n > 0 ? times[n - 1] : 0;
      break;
    }
    default: {
      const perMs = load.arrivalRatePerSec / 1000;
      cumulative = (t) => perMs * t;
    }
  }
  const requests = scenario.stop.requests;
  const endMs = Math.min(scenario.stop.timeMs ?? Infinity, lastMs, requests === undefined ? Infinity : inverse(cumulative, requests));
  const arrivals = Number.isFinite(endMs) ? Math.min(requests ?? Infinity, cumulative(endMs)) : requests ?? Infinity;
  return { endMs, arrivals, warmupArrivals: Math.min(arrivals, cumulative(Math.min(scenario.stop.warmupMs, endMs))), cumulative };
}

/** The first t with Λ(t) ≥ target (to 1e-9 relative), Infinity when Λ never gets there. */
function inverse(cumulative: (tMs: number) => number, target: number): number {
  let hi = 1;
  while (!(cumulative(hi) >= target)) {
    hi *= 2;
    if (hi > 1e300) return Infinity;
  }
  let lo = 0;
  for (let k = 0; k < 200 && hi - lo > 1e-9 * hi; k++) {
    const mid = (lo + hi) / 2;
    if (cumulative(mid) >= target) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** ρ for people: two decimals, more digits below 0.01, ∞ when infinite. */
export function rhoText(rho: number): string {
  if (!Number.isFinite(rho)) return Number.isNaN(rho) ? '-' : '∞';
  return rho >= 0.01 || rho === 0 ? rho.toFixed(2) : Number(rho.toPrecision(2)).toString();
}

const percentText = (share: number) => `${Math.round(share * 100)}%`;
const count = (x: number) => Math.round(x).toLocaleString('en');
const seconds = (ms: number) => (ms >= 1000 ? `${Number((ms / 1000).toPrecision(3))} s` : `${Number(ms.toPrecision(3))} ms`);
