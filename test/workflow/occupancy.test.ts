/**
 * Occupancy over time: the buckets integrate to the time measured in each state, and in steady
 * state they hold Little's law (instances in Draft = arrival rate × mean time in Draft).
 */
import { describe, expect, it } from 'vitest';
import { preset, simulate } from '../../src/index.js';

describe('occupancy over time', () => {
  it('order-payment: Draft holds 50/s × 1 s = 50 orders; the buckets sum to the time in each state', () => {
    const w = simulate(preset('order-payment')).workflows!;
    const order = w.machines.order, { bucketMs, states } = order.occupancyOverTime;
    // 4,000 orders at 50/s: 80 s, more than 64 buckets of 1 s — so 40 buckets of 2 s.
    expect(bucketMs).toBe(2000);
    // The run's length, from Draft's mean occupancy over it (total time in Draft / run time).
    const runMs = (order.states.Draft.timeMs.mean * order.states.Draft.entries) / order.states.Draft.occupancy;
    expect(states.Draft.length).toBe(Math.ceil(runMs / bucketMs));
    // The integral over the buckets is the total time spent in Draft (every visit ended).
    const integral = states.Draft.reduce((a, x, b) => a + x * (Math.min(runMs, (b + 1) * bucketMs) - b * bucketMs), 0);
    expect(integral / (order.states.Draft.timeMs.mean * order.states.Draft.entries)).toBeCloseTo(1, 6);
    // Steady state (10 s to 70 s): N(t) is Poisson(λτ = 50) with autocorrelation e^(-t/τ), τ = 1 s,
    // so its mean over 60 s has variance 2λτ²/T = 1.67: four standard deviations are 5.2.
    const steady = states.Draft.slice(5, 35);
    const mean = steady.reduce((a, b) => a + b, 0) / steady.length;
    expect(Math.abs(mean - 50)).toBeLessThan(5.2);
    // Payment: every authorization is inside an order's PaymentPending (a few overlap a retry).
    const pending = states.PaymentPending, authorizing = w.machines.payment.occupancyOverTime.states.Authorizing;
    authorizing.forEach((x, b) => expect(x).toBeLessThanOrEqual(pending[b] + 1e-9));
  });
});
