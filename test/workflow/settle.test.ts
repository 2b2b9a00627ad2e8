/**
 * The combined state is checked once per model event (TopologyHooks.settle), not once per cascade
 * inside it: a callee's answer (its payment Authorized, in the departure's first cascade) and its
 * caller's onDone (the order leaves PaymentPending, in the call's end, a second cascade of the same
 * event) happen in one event, so no one could observe an order PaymentPending beside an Authorized
 * payment in order-payment: no exchange delays the answer (no edge latency).
 */
import { describe, expect, it } from 'vitest';
import { simulate, preset, type TopologyInput } from '../../src/index.js';

type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** order-payment with one more invariant: never PaymentPending beside an Authorized payment. */
function watched(latencyMs = 0): TopologyInput {
  const s = preset('order-payment') as Loose;
  s.workflows.invariants.never.push({ order: 'PaymentPending', payment: 'Authorized' });
  if (latencyMs > 0) s.calls['orders->payments'].latencyMs = { dist: 'constant', valueMs: latencyMs };
  return s as TopologyInput;
}

describe('the combined state is checked once per event', () => {
  it("a payment's answer and its order's onDone in one event: no violation, no pair", () => {
    const w = simulate(watched()).workflows!;
    const v = w.invariants.find((x) => x.invariant === 'never order PaymentPending and payment Authorized')!;
    // Every order is authorized once (order-payment is healthy): on the old per-cascade check each
    // made a 0 ms violation (3,999 at seed 1) and entered the pair PaymentPending|Authorized.
    expect(w.machines.payment.endStates.Authorized.count).toBeGreaterThan(3000);
    expect(v.violations).toBe(0);
    expect(w.pairs['PaymentPending|Authorized']).toBeUndefined();
  });

  it('with network latency on the edge the answer travels: the order waits beside an Authorized payment for that long', () => {
    const w = simulate(watched(5)).workflows!;
    const v = w.invariants.find((x) => x.invariant === 'never order PaymentPending and payment Authorized')!;
    // The payment is Authorized when it answers; the answer takes 5 ms back to the order.
    expect(v.violations).toBeGreaterThan(3000);
    expect(v.resolved).toBe(v.violations);
    expect(v.meanMs).toBeCloseTo(5, 6);
    expect(v.maxMs).toBeCloseTo(5, 6);
    expect(w.pairs['PaymentPending|Authorized'].entries).toBe(v.violations);
  });
});
