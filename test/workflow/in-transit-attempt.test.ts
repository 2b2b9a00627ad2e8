/**
 * An attempt still on its way over an edge with latency when its caller gives up: the family waits
 * for it from the moment it is sent, so when it reaches the callee it creates (or meets) the child
 * as any attempt does. Before, a family whose call timed out ended with its attempts in flight, and
 * an attempt reaching `payments` afterwards found no family: no payment instance, and the late (or
 * second) authorization of a cancelled order went uncounted.
 */
import { describe, expect, it } from 'vitest';
import { simulate, type TopologyInput } from '../../src/index.js';
import type { WorkflowsSummary } from '../../src/workflow/summary.js';

const constant = (valueMs: number) => ({ dist: 'constant' as const, valueMs });
const PAYMENT = {
  id: 'payment', initial: 'NotStarted',
  states: { NotStarted: { on: { authorize: 'Authorizing' } }, Authorizing: { on: { processed: 'Authorized' } }, Authorized: {} },
};

/**
 * `n` orders, 1 s apart from 1000 ms; the edge orders->payments takes 50 ms each way and times out
 * at 10 ms (`retries` retries, `baseMs` backoff), so every attempt is still on its way when its
 * caller gives up; payments authorizes in 5 ms. The order ends Cancelled on the call's error.
 */
function inTransit(n: number, retries: number, keyed: boolean): TopologyInput {
  return {
    name: 'in-transit', seed: 1, stop: { requests: n },
    arrivals: { process: 'trace', timesMs: Array.from({ length: n }, (_, i) => 1000 * (i + 1)) },
    entry: 'orders',
    services: {
      orders: { servers: [{ count: 1, concurrency: 8 }], balancer: { name: 'round-robin' }, work: [{ work: constant(1) }] },
      payments: { servers: [{ count: 1, concurrency: 64 }], balancer: { name: 'round-robin' }, work: [{ work: constant(5) }] },
    },
    calls: { 'orders->payments': { timeoutMs: 10, latencyMs: constant(50), ...(retries > 0 ? { retries: { max: retries, baseMs: 1, capMs: 1, jitter: 'none' } } : {}) } },
    workflows: {
      start: 'order',
      machines: {
        order: { service: 'orders', machine: { id: 'order', initial: 'PaymentPending', states: { PaymentPending: { invoke: { src: 'payment', onDone: 'Completed', onError: 'Cancelled' } }, Completed: { type: 'final' }, Cancelled: { type: 'final' } } } },
        payment: { service: 'payments', request: ['authorize'], respond: 'processed', ok: ['Authorized'], idempotencyKey: keyed, machine: PAYMENT },
      },
      invariants: { never: [{ order: 'Cancelled', payment: 'Authorized' }] },
    },
  } as TopologyInput;
}

describe('an attempt on its way over the edge when its caller gives up', () => {
  it('the family waits for it: every cancelled order has its payment, authorized late, and the invariant counts it', () => {
    const r = simulate(inTransit(20, 0, true)), w: WorkflowsSummary = r.workflows!;
    expect(r.edges['orders->payments'].timedOut).toBe(20);
    expect(r.services.payments.attempts).toBe(20);
    expect(w.machines.order.endStates.Cancelled.count).toBe(20);
    // Order k's attempt left at 1000k ms, its call timed out at +10, the order was Cancelled (final)
    // and the family waited: the attempt reached payments at +50 and authorized at +55.
    expect(w.machines.payment.instances).toBe(20);
    expect(w.machines.payment.endStates.Authorized.count).toBe(20);
    const v = w.invariants[0];
    expect([v.violations, v.resolved, v.unresolved]).toEqual([20, 0, 20]);
    expect(v.example!.atMs).toBe(1055);
    expect(w.instances).toMatchObject({ started: 20, completed: 20, live: 0 });
  });

  it('without an idempotency key each retry in flight is a second authorization, all of them counted', () => {
    // 3 attempts per order (1 + 2 retries), sent at +0, +11, +22 ms: all three are in flight when the
    // call fails at +32 and the order is cancelled; each reaches payments and authorizes.
    const r = simulate(inTransit(10, 2, false)), w: WorkflowsSummary = r.workflows!;
    expect(r.services.payments.attempts).toBe(30);
    expect(w.machines.payment.instances).toBe(30);
    expect(w.machines.payment.endStates.Authorized.count).toBe(30);
    expect(w.duplicates).toMatchObject({ machine: 'payment', families: 10, extra: 20 });
    expect(w.instances).toMatchObject({ started: 10, completed: 10, live: 0 });
    // With the key the three attempts meet one payment: authorized once.
    const k = simulate(inTransit(10, 2, true)).workflows!;
    expect(k.machines.payment.instances).toBe(10);
    expect(k.duplicates).toMatchObject({ families: 0, extra: 0 });
  });

  it('an attempt withdrawn on its way (edge cancel) ends its family without a child', () => {
    const input = inTransit(5, 0, true);
    input.calls = { 'orders->payments': { ...input.calls!['orders->payments'], cancel: true } };
    const r = simulate(input), w = r.workflows!;
    expect(r.services.payments.attempts).toBe(5);
    expect(w.machines.payment.instances).toBe(0);
    expect(w.instances).toMatchObject({ started: 5, completed: 5, live: 0 });
    expect(w.invariants[0].violations).toBe(0);
  });
});
