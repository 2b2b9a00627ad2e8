/**
 * Topologies against closed forms their features were not written from: a concurrency limit or a
 * bulkhead of c with no queue in front is an M/G/c/c loss system (Erlang B, insensitive to the
 * work's distribution), and so is a caller without a queue whose slots are held through their
 * calls (holding time: work + latency both ways + the callee's time); network latency on a tandem's edge is an infinite-server stage between
 * two M/M/1 queues (mean Σ 1/(μᵢ − λ) + 2·E[L], whatever L's distribution); lost answers retried
 * after a timeout multiply the callee's arrivals by (1 − p^(r+1))/(1 − p), an M/M/1 at that
 * rate; a hedge after d on exponential work answers at min(X₁, d + X₂); a breaker in front of a
 * dependency that always fails lets halfOpenCalls through per cycle and refuses λ·openMs.
 * Tolerances are 4 standard deviations: from the formula where there is one, else the spread
 * over 20 seeds measured at the same size (quoted beside each test).
 */
import { describe, expect, it } from 'vitest';
import { simulate, type TopologyInput } from '../../src/index.js';
import type { TopologySummary } from '../../src/model/topology-summary.js';
import { erlangB } from './theory.js';

const run = (scenario: unknown): TopologySummary => simulate(scenario as TopologyInput);
const pool = (count: number, extra: object = {}) => ({ servers: [{ count, ...extra }], balancer: { name: 'least-connections' } });
const exp = (meanMs: number) => ({ dist: 'exponential' as const, meanMs });
/** Lognormal with this mean and σ = 1 (a heavier tail than the exponential's). */
const lognormal = (meanMs: number) => ({ dist: 'lognormal' as const, mu: Math.log(meanMs) - 0.5, sigma: 1 });
const n = 200_000;

describe('a limit of c with no queue is Erlang B', () => {
  // λ = 400/s, work 10 ms: a = 4 Erlangs offered to c = 5; E_B(5, 4) = 0.19907. One server with
  // 1000 slots, so the limit is the only bound. Seed-to-seed sd of the refused share relative to
  // E_B, measured over 20 seeds at n = 2·10⁵: 0.65% (exponential), 0.80% (lognormal).
  const b = erlangB(5, 4);
  const limited = (limit: object, work: object, seed = 5) => run({
    seed, stop: { requests: n, warmupMs: 1000 }, arrivals: { process: 'poisson', ratePerSec: 400 }, entry: 'b',
    services: { b: { ...pool(1, { concurrency: 1000 }), limit, work: [{ work }] } },
  });

  it('a static limit refuses E_B(c, a) of the attempts, with exponential or lognormal work (insensitivity)', () => {
    const e = limited({ static: 5 }, exp(10));
    expect(Math.abs(e.requests.rejected / e.requests.arrived / b - 1)).toBeLessThan(4 * 0.0065);
    expect(e.services.b.limit).toMatchObject({ kind: 'static', refused: e.requests.rejected, lowest: 5, highest: 5 });
    const l = limited({ static: 5 }, lognormal(10), 6);
    expect(Math.abs(l.requests.rejected / l.requests.arrived / b - 1)).toBeLessThan(4 * 0.008);
  });

  it('an AIMD limit pinned at c (initial = min = max) is the static limit, count for count', () => {
    const s = limited({ static: 5 }, exp(10));
    const a = limited({ aimd: { initialLimit: 5, minLimit: 5, maxLimit: 5 } }, exp(10));
    expect(a.requests).toEqual(s.requests);
    expect(a.services.b.limit).toEqual({ ...s.services.b.limit, kind: 'aimd' });
  });

  it('a bulkhead of c on the edge to a callee without a bound refuses E_B(c, a) of the calls', () => {
    const s = run({
      seed: 8, stop: { requests: n, warmupMs: 1000 }, arrivals: { process: 'poisson', ratePerSec: 400 }, entry: 'a',
      services: { a: { ...pool(1, { concurrency: 1000 }), work: [{ call: 'b' }] }, b: { ...pool(1, { concurrency: 1000 }), work: [{ work: exp(10) }] } },
      calls: { 'a->b': { maxConcurrent: 5 } },
    });
    const e = s.edges['a->b'];
    expect(Math.abs(e.refused / e.attempts / b - 1)).toBeLessThan(4 * 0.0065);
    expect(e.rejected).toBe(e.refused); // refused at once: the call ends rejected
    expect(s.services.b.attempts).toBe(e.attempts - e.refused); // a refused attempt never reaches b
    expect(s.requests.failed).toBe(e.refused); // and fails the entry request, which has no fallback
  });
});

describe('a slot held through its call (thread per request)', () => {
  it('makes a caller without a queue an M/G/c/c system whose holding time is its work + the call, latency both ways included', () => {
    // a: 5 slots, queueLimit 0, work Exp(2 ms), then a call to b (no bound, work Exp(5 ms)) over an
    // edge with 1.5 ms each way: a slot is held 2 + 1.5 + 5 + 1.5 = 10 ms on average, so at
    // 400/s a = 4 Erlangs and a turns away E_B(5, 4) of the requests. Seed-to-seed sd of the
    // share relative to E_B at n = 2·10⁵, measured over 20 seeds: 0.45%.
    const s = run({
      seed: 2, stop: { requests: n, warmupMs: 1000 }, arrivals: { process: 'poisson', ratePerSec: 400 }, entry: 'a',
      services: { a: { ...pool(1, { concurrency: 5, queueLimit: 0 }), work: [{ work: exp(2) }, { call: 'b' }] }, b: { ...pool(1, { concurrency: 100_000 }), work: [{ work: exp(5) }] } },
      calls: { 'a->b': { latencyMs: { dist: 'constant', valueMs: 1.5 } } },
    });
    expect(Math.abs(s.requests.dropped / s.requests.arrived / erlangB(5, 4) - 1)).toBeLessThan(4 * 0.0045);
  });
});

describe('latency on an edge', () => {
  it('a tandem with lognormal latency each way on its edge: Σ 1/(μᵢ − λ) + 2·E[L] (infinite-server stages are insensitive)', () => {
    // λ = 0.5/ms, μ₁ = 1, μ₂ = 1.25 (2 + 4/3 ms), E[L] = 2 ms each way. The edge delays each call
    // independently, so b still sees Poisson arrivals and the stages add up. Seed-to-seed sd of
    // the mean at n = 2·10⁵, measured over 20 seeds: 0.0113 ms.
    const s = run({
      seed: 1, stop: { requests: n, warmupMs: 1000 }, arrivals: { process: 'poisson', ratePerSec: 500 }, entry: 'front',
      services: { front: { ...pool(1), work: [{ work: exp(1) }, { call: 'back', hold: false }] }, back: { ...pool(1), work: [{ work: exp(0.8) }] } },
      calls: { 'front->back': { latencyMs: lognormal(2) } },
    });
    expect(Math.abs(s.latencyMs.mean - (2 + 4 / 3 + 4))).toBeLessThan(4 * 0.0113);
  });
});

describe('lost answers retried after a timeout', () => {
  it('multiply the callee\'s arrivals by (1 − p^(r+1))/(1 − p), an M/M/1 at that rate', () => {
    // p = 0.5, r = 3: 1.875 attempts per call; λ = 0.3/ms, so b (one slot, 1 ms work) sees
    // λ' = 0.5625/ms: utilisation λ', mean 1/(1 − λ') = 2.2857 ms (the retries come 200 ms after
    // their attempt, long after b's queue forgot it, so its arrivals are close to Poisson).
    // 1 − p^(r+1) of the calls succeed. Seed-to-seed sds at n = 2·10⁵ over 20 seeds: 0.0024
    // attempts per call, 0.0021 utilisation, 0.0144 ms, 0.00058 success share.
    const p = 0.5, r = 3;
    const s = run({
      seed: 9, stop: { requests: n, warmupMs: 2000 }, arrivals: { process: 'poisson', ratePerSec: 300 }, entry: 'a',
      services: { a: { ...pool(1, { concurrency: 10_000 }), work: [{ call: 'b' }] }, b: { ...pool(1), work: [{ work: exp(1) }] } },
      calls: { 'a->b': { loss: p, timeoutMs: 200, retries: { max: r, baseMs: 0 } } },
    });
    const perCall = (1 - p ** (r + 1)) / (1 - p), rate = 0.3 * perCall;
    const e = s.edges['a->b'];
    expect(Math.abs(e.attempts / e.calls - perCall)).toBeLessThan(4 * 0.0024);
    expect(Math.abs(s.services.b.utilization - rate)).toBeLessThan(4 * 0.0021);
    expect(Math.abs(s.services.b.latencyMs.mean - 1 / (1 - rate))).toBeLessThan(4 * 0.0144);
    expect(Math.abs(s.requests.succeeded / s.requests.arrived - (1 - p ** (r + 1)))).toBeLessThan(4 * 0.00058);
    // No answer takes 200 ms (P ≈ e^(−87)), so each attempt's answer is heard (the call succeeds)
    // or lost, and each lost answer is retried or ends its call timed out.
    expect(e.lost).toBe(e.attempts - e.succeeded);
    expect(e.lost).toBe(e.retries + e.timedOut);
  });
});

describe('a hedge on exponential work', () => {
  it('answers at min(X₁, d + X₂): mean (1 − q)/μ + q/(2μ), a hedge for a share q = e^(−μd) of the calls', () => {
    // No queueing (100,000 slots). P(T > t) = e^(−μt) before d, e^(−μ(2t − d)) after:
    // E[T] = (1 − q)/μ + q/(2μ), E[T²] = 2(1 − q(1 + μd))/μ² + q(d/μ + 1/(2μ²)).
    const meanMs = 10, d = 5, mu = 1 / meanMs, q = Math.exp(-mu * d);
    const s = run({
      seed: 10, stop: { requests: n }, arrivals: { process: 'poisson', ratePerSec: 100 }, entry: 'a',
      services: { a: { ...pool(1, { concurrency: 100_000 }), work: [{ call: 'b' }] }, b: { ...pool(1, { concurrency: 100_000 }), work: [{ work: exp(meanMs) }] } },
      calls: { 'a->b': { hedge: { afterMs: d }, cancel: true } },
    });
    const mean = (1 - q) / mu + q / (2 * mu);
    const second = (2 * (1 - q * (1 + mu * d))) / mu ** 2 + q * (d / mu + 1 / (2 * mu ** 2));
    expect(Math.abs(s.latencyMs.mean - mean)).toBeLessThan(4 * Math.sqrt((second - mean ** 2) / n));
    const e = s.edges['a->b'];
    expect(Math.abs(e.hedges / n - q)).toBeLessThan(4 * Math.sqrt((q * (1 - q)) / n));
    expect(s.services.b.cancelled).toBe(e.hedges); // each hedged call's loser withdrawn
  });
});

describe('a circuit breaker in front of a dependency that always fails', () => {
  it('cycles open (openMs, then until the next call) → half-open (halfOpenCalls trials) → open, refusing λ·openMs calls a cycle', () => {
    // λ = 1/ms, b fails every attempt after 0.01 ms. Count-based window of 10: the breaker opens
    // after the first 10 calls. Open, it refuses every call for openMs = 100; the first call after
    // that moves it to half-open (Resilience4j's default, no timer) and is the first of 5 trials;
    // the 5th trial's failure opens it again. So a cycle lets exactly 5 attempts through, refuses
    // Poisson(λ·openMs) calls (mean 100, sd 10 per cycle), stays open 100 + Exp(1) ms and half-open
    // 4 gaps + 0.01 ms (mean 4.01, sd 2 per cycle). Tolerances: 4 sd of the mean over the cycles,
    // plus what the run's last, unfinished cycle may add (≤ 101 ms open, a few ms half-open, over ~950).
    const s = run({
      seed: 4, stop: { requests: 100_000 }, arrivals: { process: 'poisson', ratePerSec: 1000 }, entry: 'a',
      services: { a: { ...pool(1, { concurrency: 1000 }), work: [{ call: 'b' }] }, b: { ...pool(1, { concurrency: 1000 }), work: [{ work: { dist: 'constant', valueMs: 0.01 } }, { fail: 1 }] } },
      calls: { 'a->b': { breaker: { window: 10, minCalls: 10, failureRatePercent: 50, openMs: 100, halfOpenCalls: 5 } } },
    });
    const e = s.edges['a->b'], t = e.breaker!.transitions, cycles = t['open->half-open'];
    expect(t['closed->open']).toBe(1);
    expect(cycles - t['half-open->open']).toBeGreaterThanOrEqual(0);
    expect(cycles - t['half-open->open']).toBeLessThanOrEqual(1); // the run may end half-open
    expect(s.services.b.attempts - (10 + 5 * cycles)).toBeLessThanOrEqual(0);
    expect(s.services.b.attempts - (10 + 5 * cycles)).toBeGreaterThan(-5);
    expect(Math.abs(e.refused / cycles - 100)).toBeLessThan(4 * 10 / Math.sqrt(cycles));
    expect(Math.abs(e.breaker!.stateTimeMs.open / cycles - 101)).toBeLessThan(4 * 1 / Math.sqrt(cycles) + 0.2);
    expect(Math.abs(e.breaker!.stateTimeMs['half-open'] / cycles - 4.01)).toBeLessThan(4 * 2 / Math.sqrt(cycles) + 0.05);
  });
});
