/** Client behaviour: retries, jitter, budgets, hedging, and the effects they are known for. */
import { describe, expect, it } from 'vitest';
import { backoffMs, createModel, createStream, preset, RetryBudget, simulate, AttemptState, type Jitter, type ScenarioInput } from '../../src/index.js';

describe('backoffMs(config, retry, previous, rng)', () => {
  const rng = createStream(1, 'test');
  const config = { max: 5, baseMs: 100, capMs: 1000, jitter: 'none' as const };

  it('doubles from baseMs up to capMs without jitter', () => {
    expect([1, 2, 3, 4, 5].map((k) => backoffMs(config, k, 0, rng))).toEqual([100, 200, 400, 800, 1000]);
  });

  it('full jitter draws uniformly in [0, t), equal jitter in [t/2, t)', () => {
    for (let i = 0; i < 1000; i++) {
      const full = backoffMs({ ...config, jitter: 'full' }, 3, 0, rng);
      const equal = backoffMs({ ...config, jitter: 'equal' }, 3, 0, rng);
      expect(full).toBeGreaterThanOrEqual(0);
      expect(full).toBeLessThan(400);
      expect(equal).toBeGreaterThanOrEqual(200);
      expect(equal).toBeLessThan(400);
    }
  });

  it('decorrelated jitter stays in [base, min(cap, 3 · previous)]', () => {
    let prev = 0;
    for (let i = 0; i < 1000; i++) {
      const next = backoffMs({ ...config, jitter: 'decorrelated' }, i + 1, prev, rng);
      expect(next).toBeGreaterThanOrEqual(100);
      expect(next).toBeLessThanOrEqual(Math.min(1000, 3 * Math.max(prev, 100)));
      prev = next;
    }
  });
});

describe('RetryBudget', () => {
  it('allows `ratio` retries per request plus `minPerSec` per second, never beyond `burst`', () => {
    const budget = new RetryBudget({ ratio: 0.2, minPerSec: 0, burst: 100 });
    for (let i = 0; i < 50; i++) budget.deposit(0);
    let granted = 0;
    while (budget.tryWithdraw(0)) granted++;
    expect(granted).toBe(10);
    const floor = new RetryBudget({ ratio: 0, minPerSec: 10, burst: 5 });
    expect(floor.tryWithdraw(0)).toBe(false);
    let later = 0;
    while (floor.tryWithdraw(10_000)) later++;
    expect(later).toBe(5);
  });
});

// The `retry-storm` preset: half the servers down from 5 s to 7 s at 80% load, clients retrying
// timeouts; measured from 15 s, when the trigger is long gone.
const { client: _stormClient, ...stormBase } = preset('retry-storm')!;

describe('retry storms (metastable failure, Bronson et al. 2021)', () => {
  it('without a budget, retries keep the system overloaded long after a brief trigger', () => {
    const s = simulate(preset('retry-storm'));
    // Capacity is 1000/s for 800/s offered: healthy at steady state, yet goodput stays near zero.
    expect(s.client.goodputPerSec).toBeLessThan(100);
    expect(s.client.amplification).toBeGreaterThan(3);
    expect(s.client.wastedWorkMs).toBeGreaterThan(100_000);
  });

  it('the same system without retries, or without the trigger, serves its load', () => {
    expect(simulate({ ...stormBase, client: { timeoutMs: 100 } }).client.goodputPerSec).toBeGreaterThan(780);
    const calm = simulate({ ...stormBase, failures: undefined, client: { timeoutMs: 100, retries: { max: 3, baseMs: 10, jitter: 'full' } } });
    expect(calm.client.goodputPerSec).toBeGreaterThan(780);
  });

  it('a retry budget damps the storm: amplification stays near 1 + ratio and goodput recovers', () => {
    const s = simulate({
      ...stormBase,
      client: { timeoutMs: 100, retries: { max: 3, baseMs: 10, jitter: 'full', budget: { ratio: 0.1, minPerSec: 10 } } },
    });
    expect(s.client.amplification).toBeLessThan(1.1 + 0.02);
    expect(s.client.goodputPerSec).toBeGreaterThan(700);
  });
});

describe('jitter', () => {
  function peakAttemptsPer10ms(jitter: Jitter): number {
    // Every server fails for 20 ms at t = 5 s: the requests queued there (random routing at
    // ρ = 0.9 leaves ~9 per server) all fail at the same instant and retry.
    const model = createModel({
      seed: 2,
      stop: { timeMs: 8_000 },
      servers: [{ count: 10 }],
      arrivals: { process: 'poisson', ratePerSec: 900 },
      service: { dist: 'exponential', meanMs: 10 },
      balancer: { name: 'random' },
      failures: { outages: [{ atMs: 5_000, forMs: 20, servers: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] }] },
      client: { retries: { max: 3, baseMs: 100, capMs: 1_000, jitter } },
    });
    const sent = new Float64Array(800);
    const count = () => void sent[Math.floor(model.sim.now / 10)]++;
    model.observer = { dispatched: count, ended: (_r, state) => { if (state === AttemptState.Rejected) count(); } };
    model.run();
    return Math.max(...sent.subarray(505, 700));
  }

  it('full jitter spreads retries: a lower peak attempt rate than no jitter', () => {
    // Measured: none 110 attempts in the peak 10 ms, full 25, against ~18 at steady state.
    const none = peakAttemptsPer10ms('none'), full = peakAttemptsPer10ms('full');
    expect(none).toBeGreaterThan(60);
    expect(full).toBeLessThan(none / 2);
  });
});

describe('hedging ("The Tail at Scale", Dean & Barroso 2013)', () => {
  const base: ScenarioInput = {
    seed: 7,
    stop: { requests: 200_000, warmupMs: 1_000 },
    servers: [{ count: 10, concurrency: 4 }],
    arrivals: { process: 'poisson', ratePerSec: 1000 },
    service: { dist: 'lognormal', medianMs: 10, p99Ms: 300 },
    serviceScope: 'attempt',
    balancer: { name: 'least-connections' },
  };

  it('a hedge after the observed p95 cuts p99 by more than half for ~6% more attempts', () => {
    const plain = simulate(base);
    const hedged = simulate({ ...base, client: { hedge: { percentile: 95 }, cancel: true } });
    expect(hedged.latencyMs.p99).toBeLessThan(plain.latencyMs.p99 / 2);
    expect(hedged.client.amplification).toBeLessThan(1.1);
    expect(hedged.client.hedges).toBeGreaterThan(0);
    expect(hedged.client.wastedWorkMs).toBeGreaterThan(0);
  });

  it('conserves requests: the losing copy is cancelled, never counted twice', () => {
    const s = simulate({ ...base, stop: { requests: 30_000 }, client: { hedge: { afterMs: 20, max: 2 }, cancel: true } }, { checked: true });
    const r = s.requests;
    expect(r.arrived).toBe(r.succeeded + r.failed + r.timedOut + r.dropped + r.rejected + r.inFlight);
    expect(r.succeeded).toBe(30_000);
    expect(s.transitions.attempt['in-service->cancelled'] ?? 0).toBeGreaterThan(0);
  });

  it('withdrawing copies from an adaptive-LIFO server sheds no copy of the same request twice', () => {
    // Cancelling a copy in service frees its slot; serving that slot at once let adaptive LIFO
    // drop a sibling copy still queued there, which the withdrawal then cancelled again (a row
    // freed twice, `dropped -> cancelled` in a checked run). Slots are now served afterwards.
    const s = simulate(
      {
        seed: 465490,
        stop: { requests: 5_000 },
        servers: [{ count: 2, concurrency: 3, speed: 0.5, discipline: 'adaptive-lifo' }],
        arrivals: { process: 'constant', ratePerSec: 570 },
        service: { dist: 'uniform', minMs: 0, maxMs: 10 },
        balancer: { name: 'least-connections' },
        client: { timeoutMs: 20, cancel: true, retries: { max: 3, baseMs: 20, jitter: 'none' }, hedge: { afterMs: 2, max: 2 } },
      },
      { checked: true },
    );
    const r = s.requests;
    expect(r.arrived).toBe(r.succeeded + r.failed + r.timedOut + r.dropped + r.rejected + r.inFlight);
    expect(s.transitions.attempt['pending->dropped'] ?? 0).toBeGreaterThan(0);
  });
});

describe('decorrelated jitter across requests', () => {
  it('starts every request from baseMs: backoffs stay within 3 × baseMs on the first retry', () => {
    // Server 0 is down for the whole run and checks are too slow to notice: every request that
    // lands there retries once. Its backoff must not inherit another request's previous backoff.
    const s = simulate({
      seed: 1,
      stop: { timeMs: 20_000 },
      servers: [{ count: 2 }],
      arrivals: { process: 'poisson', ratePerSec: 50 },
      service: { dist: 'constant', valueMs: 1 },
      balancer: { name: 'round-robin' },
      failures: { outages: [{ atMs: 0, forMs: 1e9, servers: [0] }] },
      health: { intervalMs: 100_000 },
      client: { retries: { max: 1, baseMs: 50, jitter: 'decorrelated' } },
    });
    expect(s.requests.retries).toBeGreaterThan(100);
    expect(s.latencyMs.max).toBeLessThanOrEqual(3 * 50 + 1 + 1e-6);
  });
});
