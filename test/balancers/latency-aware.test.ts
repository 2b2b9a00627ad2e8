/** Policies that learn from observed latency: Peak-EWMA (Finagle), least-time (NGINX Plus). */
import { describe, expect, it } from 'vitest';
import { complete, create, fakeContext, send } from './fake-context.js';
import { preset, simulate } from '../../src/index.js';
import { PENALTY, latencyEwmaMetric, peakEwmaMetric } from '../../src/balancers/load-metric.js';

/** REFERENCE.md's Peak-EWMA, written out independently: returns the new (cost, stamp). */
function reference(cost: number, stamp: number, t: number, rtt: number, tau: number): [number, number] {
  const w = Math.exp(-(t - stamp) / tau);
  return [rtt > cost ? rtt : cost * w + rtt * (1 - w), t];
}

describe('Peak-EWMA', () => {
  it('peakEwmaMetric follows the formula of REFERENCE.md step by step (τ = 10 s)', () => {
    const fake = fakeContext(2), tau = 10_000;
    const m = peakEwmaMetric(fake.ctx, tau);
    let cost = 0, stamp = 0;
    const steps: [number, 'observe' | 'read', number, number][] = [
      // [time ms, action, rtt ms, pending]
      [1_000, 'observe', 100, 0], // peak: cost = 100
      [6_000, 'read', 0, 0], // decays: 100·e^(−0.5)
      [6_000, 'observe', 50, 0], // Δt = 0 ⇒ w = 1: cost unchanged
      [8_000, 'observe', 40, 0], // blend with w = e^(−0.2)
      [9_000, 'read', 0, 2], // decay, then cost × (2 + 1)
      [9_500, 'observe', 500, 1], // peak again
      [30_000, 'read', 0, 0],
    ];
    for (const [t, action, rtt, pending] of steps) {
      fake.time = t;
      fake.ctx.outstanding[0] = pending;
      if (action === 'observe') {
        m.observe!(0, rtt, true);
        [cost, stamp] = reference(cost, stamp, t, rtt, tau);
        expect(m.cost[0]).toBeCloseTo(cost, 10);
      } else {
        [cost, stamp] = reference(cost, stamp, t, 0, tau); // every read first observes 0
        expect(m.load(0)).toBeCloseTo(cost * (pending + 1), 10);
      }
    }
    expect(m.cost[0]).toBeCloseTo(500 * Math.exp(-20_500 / tau), 10);
    expect(stamp).toBe(30_000);
  });

  it('peakEwmaMetric charges an unsampled server with pending requests Penalty + pending', () => {
    const fake = fakeContext(2);
    const m = peakEwmaMetric(fake.ctx, 10_000);
    expect(m.load(1)).toBe(0);
    fake.ctx.outstanding[1] = 3;
    expect(m.load(1)).toBe(PENALTY + 3);
  });

  it('peak-ewma avoids a server that returned a slow response, and returns to it as its cost decays', () => {
    const fake = fakeContext(2);
    const b = create('peak-ewma', fake); // τ = 10 s
    fake.time = 100;
    b.observe!(0, 1000, true); // server 0: one slow response
    b.observe!(1, 10, true);
    // Server 1 wins while 10 · (open + 1) < 1000 · decay: every one of the next 50.
    for (let i = 0; i < 50; i++) expect(send(b, fake)).toBe(1);
    // A minute later server 0's cost has decayed to 1000 · e^(−6) ≈ 2.5 ms; server 1 keeps
    // answering in 10 ms (its peak rule puts its cost straight back to 10).
    fake.time = 60_100;
    for (let i = 0; i < 50; i++) complete(b, fake, 1, 10);
    expect(send(b, fake)).toBe(0);
  });

  it('peak-ewma decays faster with a shorter decayMs', () => {
    const after700ms = (options: Record<string, unknown>) => {
      const fake = fakeContext(2);
      const b = create('peak-ewma', fake, options);
      b.observe!(0, 1000, true);
      b.observe!(1, 10, true);
      expect(send(b, fake)).toBe(1);
      fake.time = 700;
      complete(b, fake, 1, 10); // server 1 answers in 10 ms again
      return send(b, fake);
    };
    // τ = 100 ms: server 0 costs 1000 · e^(−7) ≈ 0.9 < 10. τ = 10 s: 1000 · e^(−0.07) ≈ 932.
    expect(after700ms({ decayMs: 100 })).toBe(0);
    expect(after700ms({})).toBe(1);
  });
});

describe('least-time', () => {
  it('least-time picks the smallest (open + 1) × EWMA latency', () => {
    const fake = fakeContext(2);
    const b = create('least-time', fake);
    b.observe!(0, 10, true);
    b.observe!(1, 25, true);
    // (0+1)·10 < 25, (1+1)·10 < 25, then (2+1)·10 = 30 > 25.
    expect([send(b, fake), send(b, fake), send(b, fake)]).toEqual([0, 0, 1]);
  });

  it('latencyEwmaMetric starts at the first sample and blends later ones with w = exp(−Δt/τ)', () => {
    const fake = fakeContext(1);
    const m = latencyEwmaMetric(fake.ctx, 1000);
    fake.time = 5;
    m.observe!(0, 40, true);
    expect(m.ewma[0]).toBe(40);
    fake.time = 505;
    m.observe!(0, 10, true);
    const w = Math.exp(-0.5);
    expect(m.ewma[0]).toBeCloseTo(40 * w + 10 * (1 - w), 12);
    m.observe!(0, 1e6, false); // failures teach nothing
    expect(m.ewma[0]).toBeCloseTo(40 * w + 10 * (1 - w), 12);
  });

  it('with observeErrors, failed responses teach latency too (both metrics)', () => {
    const fake = fakeContext(1);
    const ewma = latencyEwmaMetric(fake.ctx, 1000, true);
    const peak = peakEwmaMetric(fake.ctx, 1000, true);
    fake.time = 5;
    ewma.observe!(0, 50, false);
    peak.observe!(0, 50, false);
    expect(ewma.ewma[0]).toBe(50);
    expect(peak.cost[0]).toBe(50);
  });
});

describe('observeErrors in a model', () => {
  // The black-hole preset (one of 10 servers down for 20 s, noticed by health checks after
  // ~16 s) with connections to it failing after a 50 ms connect timeout; requests take 10 ms.
  const scenario = { ...preset('black-hole'), client: { connectTimeoutMs: 50 } };

  it('least-time that learns from slow errors sends a dead server far fewer attempts', () => {
    const ignoring = simulate(scenario).failures.sentToFailed;
    const learning = simulate({ ...scenario, balancer: { name: 'least-time', observeErrors: true } }).failures.sentToFailed;
    expect(ignoring).toBeGreaterThan(500);
    expect(learning).toBeLessThan(0.75 * ignoring);
  });

  it('observeErrors is refused with the outstanding metric, and must be a boolean', () => {
    expect(() => simulate({ ...scenario, balancer: { name: 'p2c', observeErrors: true } })).toThrow(/balancer\.observeErrors/);
    expect(() => simulate({ ...scenario, balancer: { name: 'peak-ewma', observeErrors: 'yes' } })).toThrow(/balancer\.observeErrors/);
  });
});
