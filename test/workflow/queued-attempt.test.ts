/**
 * An attempt still queued at the callee when its family ends: the family waits for it, and when
 * it begins it creates the child as any attempt does (the late authorization a cancelled order
 * must not miss).
 */
import { describe, expect, it } from 'vitest';
import { simulate, type TopologyInput } from '../../src/index.js';
import type { WorkflowsSummary } from '../../src/workflow/summary.js';

/**
 * Two orders (at 1000 and 1100 ms), all delays constant; payments has one slot and a 1000 ms
 * handler; the call times out at 300 ms, no retry, and the order cancels (final). Order 1's
 * attempt begins at once (1000 ms), times out at 1300: the order is Cancelled, its attempt runs
 * on and authorizes at 2000. Order 2's attempt queues behind it and times out at 1400: its order
 * is Cancelled with the attempt still queued; it begins at 2000 (the slot freed) and authorizes
 * at 3000. Both payments are late authorizations of cancelled orders.
 */
function queued(): TopologyInput {
  const constant = (valueMs: number) => ({ dist: 'constant' as const, valueMs });
  return {
    name: 'queued-attempt', seed: 1, stop: { requests: 2 },
    arrivals: { process: 'trace', timesMs: [1000, 1100] },
    entry: 'orders',
    services: {
      orders: { servers: [{ count: 1, concurrency: 8 }], balancer: { name: 'round-robin' }, work: [{ work: constant(1) }] },
      payments: { servers: [{ count: 1, concurrency: 1 }], balancer: { name: 'round-robin' }, work: [{ work: constant(1000) }] },
    },
    calls: { 'orders->payments': { timeoutMs: 300 } },
    workflows: {
      start: 'order',
      machines: {
        order: { service: 'orders', machine: { id: 'order', initial: 'PaymentPending', states: { PaymentPending: { invoke: { src: 'payment', onDone: 'Completed', onError: 'Cancelled' } }, Completed: { type: 'final' }, Cancelled: { type: 'final' } } } },
        payment: {
          service: 'payments', request: ['authorize'], respond: 'processed', ok: ['Authorized'],
          machine: { id: 'payment', initial: 'NotStarted', states: { NotStarted: { on: { authorize: 'Authorizing' } }, Authorizing: { on: { processed: 'Authorized' } }, Authorized: {} } },
        },
      },
      invariants: { never: [{ order: 'Cancelled', payment: 'Authorized' }] },
    },
  } as TopologyInput;
}

describe('an attempt queued at the callee when its family ends', () => {
  it('the family waits for it: the late payment exists and the never invariant counts it', () => {
    const r = simulate(queued()), w: WorkflowsSummary = r.workflows!;
    // Both calls timed out, both attempts ran at payments (one after the other).
    expect(r.edges['orders->payments'].timedOut).toBe(2);
    expect(w.machines.order.endStates.Cancelled.count).toBe(2);
    expect(w.machines.payment.instances).toBe(2);
    expect(w.machines.payment.endStates.Authorized.count).toBe(2);
    const v = w.invariants[0];
    expect([v.violations, v.resolved, v.unresolved]).toEqual([2, 0, 2]);
    // The first is order 1's, at 2000 ms; the run goes on until order 2's payment authorizes, at 3000.
    expect(v.example!.atMs).toBe(2000);
    expect(r.simTimeMs).toBe(3000);
    expect(w.instances).toMatchObject({ started: 2, completed: 2, live: 0 });
  });
});
