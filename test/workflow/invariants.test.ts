/**
 * `never` invariants hold over every instance of a family, not only its newest: a retry without
 * an idempotency key makes a new payment, and the earlier one, authorized, still charges.
 */
import { describe, expect, it } from 'vitest';
import { simulate, preset, type TopologyInput } from '../../src/index.js';
import type { WorkflowsSummary } from '../../src/workflow/summary.js';

type Machines = { machines: Record<string, Record<string, unknown>> };
const run = (input: TopologyInput): WorkflowsSummary => simulate(input).workflows!;
const never = (w: WorkflowsSummary) => w.invariants.find((v) => v.invariant === 'never order Cancelled and payment Authorized')!;

/** double-charge with orders cancelled while paying (half of them, after an exponential 0.5 s). */
function cancelling(idempotencyKey: boolean): TopologyInput {
  const input = preset('double-charge');
  const m = (input.workflows as unknown as Machines).machines;
  (m.order.events as Record<string, unknown>).cancel = { in: 'PaymentPending', after: { dist: 'exponential', meanMs: 500 }, p: 0.5 };
  m.payment.idempotencyKey = idempotencyKey;
  return input;
}

describe('never invariants over every instance of a family', () => {
  it('an authorized payment that a retry replaced still violates: none resolves (Authorized has no way out, Cancelled is final)', () => {
    const w = run(cancelling(false));
    const v = never(w);
    // Many families hold several payments (retries after timeouts are new operations).
    expect(w.duplicates!.families).toBeGreaterThan(100);
    expect(v.violations).toBeGreaterThan(100);
    // Neither state can be left: a violation, once begun, lasts until the run ends or the family is over.
    expect(v.resolved).toBe(0);
    expect(v.unresolved).toBe(v.violations);
    // At most one per cancelled order: it opens once and never closes.
    expect(v.violations).toBeLessThanOrEqual(w.machines.order.endStates.Cancelled.count);
  });

  it('with idempotency keys (one payment per family) the same rule holds', () => {
    const w = run(cancelling(true));
    const v = never(w);
    expect(w.duplicates!.families).toBe(0);
    expect(v.violations).toBeGreaterThan(0);
    expect(v.resolved).toBe(0);
    expect(v.unresolved).toBe(v.violations);
  });
});

/**
 * One order, all delays constant: its payment call times out at 100 ms and is retried twice
 * (backoff 40 then 80 ms, no jitter), without idempotency key, so attempts begun at 1000, 1140
 * and 1320 ms make three payments, each authorized when its 250 ms handler ends (1250, 1390,
 * 1570) and settled (final) `settleMs` later; the call fails at 1420 (third timeout): the order
 * leaves PaymentPending for Failed.
 */
function threePayments(settleMs: number): TopologyInput {
  const constant = (valueMs: number) => ({ dist: 'constant' as const, valueMs });
  return {
    name: 'three-payments', seed: 1, stop: { requests: 1 },
    arrivals: { process: 'trace', timesMs: [1000] },
    entry: 'orders',
    services: {
      orders: { servers: [{ count: 1, concurrency: 8 }], balancer: { name: 'round-robin' }, work: [{ work: constant(1) }] },
      payments: { servers: [{ count: 1, concurrency: 8 }], balancer: { name: 'round-robin' }, work: [{ work: constant(250) }] },
    },
    calls: { 'orders->payments': { timeoutMs: 100, retries: { max: 2, baseMs: 40, jitter: 'none' } } },
    workflows: {
      start: 'order',
      machines: {
        order: { service: 'orders', machine: { id: 'order', initial: 'PaymentPending', states: { PaymentPending: { invoke: { src: 'payment', onDone: 'Completed', onError: 'Failed' } }, Completed: { type: 'final' }, Failed: { type: 'final' } } } },
        payment: {
          service: 'payments', request: ['authorize'], respond: 'processed', ok: ['Authorized'],
          machine: { id: 'payment', initial: 'NotStarted', states: { NotStarted: { on: { authorize: 'Authorizing' } }, Authorizing: { on: { processed: 'Authorized' } }, Authorized: { after: { [settleMs]: 'Settled' } }, Settled: { type: 'final' } } },
        },
      },
      invariants: { never: [{ payment: 'Authorized' }, { order: 'PaymentPending', payment: 'Authorized' }, { order: 'Failed', payment: 'Authorized' }] },
    },
  } as TopologyInput;
}

describe('never over several payments of one family, by hand', () => {
  const figures = (w: WorkflowsSummary) => w.invariants.map((v) => [v.violations, v.resolved, v.unresolved, v.meanMs, v.maxMs]);

  it('settled after 50 ms: authorized 1250-1300, 1390-1440, 1570-1620, each apart', () => {
    const w = run(threePayments(50));
    expect(w.machines.payment.instances).toBe(3);
    expect(w.machines.payment.endStates.Settled.count).toBe(3);
    expect(w.duplicates).toEqual({ machine: 'payment', families: 1, extra: 2 });
    expect(figures(w)).toEqual([
      [3, 3, 0, 50, 50], // any payment authorized: three spells of 50 ms
      [2, 2, 0, 40, 50], // while PaymentPending (to 1420): 1250-1300, 1390-1420
      [2, 2, 0, 35, 50], // once Failed (from 1420): 1420-1440, 1570-1620
    ]);
  });

  it('settled after 200 ms: authorized 1250-1450, 1390-1590, 1570-1770 overlap into one spell (a final payment does not end it while another is authorized)', () => {
    const w = run(threePayments(200));
    expect(figures(w)).toEqual([
      [1, 1, 0, 520, 520], // 1250-1770
      [1, 1, 0, 170, 170], // 1250-1420
      [1, 1, 0, 350, 350], // 1420-1770
    ]);
  });
});
