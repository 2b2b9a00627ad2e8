/**
 * The Order ↔ Payment machines (XState v5 configs, guards and actions as data) and the workflow
 * presets built on them. Tests assert each preset's effect: test/workflow/presets.test.ts.
 */
import type { DistributionInput, EdgeInput, TopologyInput } from '../scenario/scenario-input.js';

/** Order: Draft → Submitted → PaymentPending (invokes payment) → Completed | Cancelled | Failed. */
export const ORDER_MACHINE = {
  id: 'order',
  initial: 'Draft',
  context: { retries: 0 },
  states: {
    Draft: { on: { submit: 'Submitted' } },
    Submitted: { always: 'PaymentPending' },
    PaymentPending: {
      invoke: {
        src: 'payment',
        onDone: 'Completed',
        onError: [
          { target: 'PaymentPending', reenter: true, guard: { type: 'counter', params: { counter: 'retries', op: '<', value: 1 } }, actions: { type: 'inc', params: { counter: 'retries' } } },
          { target: 'Failed' },
        ],
      },
      on: { cancel: 'Cancelled' },
    },
    Completed: { type: 'final' },
    Cancelled: { type: 'final' },
    Failed: { type: 'final' },
  },
};

/** Payment: NotStarted → Authorizing → Authorized | Declined | Error; Declined → NotStarted (retry); Error → Declined. */
export const PAYMENT_MACHINE = {
  id: 'payment',
  initial: 'NotStarted',
  states: {
    NotStarted: { on: { authorize: 'Authorizing' } },
    Authorizing: {
      on: {
        processed: [
          { target: 'Declined', guard: { type: 'chance', params: { p: 0.08 } } },
          { target: 'Error', guard: { type: 'chance', params: { p: 0.02 } } },
          { target: 'Authorized' },
        ],
      },
    },
    Authorized: {},
    Declined: { on: { retry: 'NotStarted' } },
    Error: { always: 'Declined' },
  },
};

/** The Payment machine with a compensating void: an authorization whose order was cancelled is voided. */
export const PAYMENT_WITH_VOID = {
  ...PAYMENT_MACHINE,
  states: {
    ...PAYMENT_MACHINE.states,
    Authorized: { after: { voidCheck: { target: 'Voided', guard: { type: 'in', params: { machine: 'order', state: 'Cancelled' } } } } },
    Voided: { type: 'final' },
  },
};

/** The Order machine with a reconciliation timer: after 30 s in PaymentPending it asks the payment's state. */
export const ORDER_WITH_RECONCILIATION = {
  ...ORDER_MACHINE,
  states: {
    ...ORDER_MACHINE.states,
    PaymentPending: {
      ...ORDER_MACHINE.states.PaymentPending,
      after: {
        30000: [
          { target: 'Completed', guard: { type: 'in', params: { machine: 'payment', state: 'Authorized' } } },
          { target: 'Failed' },
        ],
      },
    },
  },
};

export const WORKFLOW_MACHINES = {
  order: ORDER_MACHINE, payment: PAYMENT_MACHINE, 'payment-with-void': PAYMENT_WITH_VOID, 'order-with-reconciliation': ORDER_WITH_RECONCILIATION,
};

const exp = (meanMs: number) => ({ dist: 'exponential' as const, meanMs });

/** Orders → payments: the topology every workflow preset runs on (`payments` latency and the edge policy vary). */
function orderPayment(name: string, o: {
  payments: DistributionInput; edge: EdgeInput; order?: object; payment?: object; idempotencyKey: boolean;
  cancel: { after: DistributionInput; p: number }; delays?: Record<string, DistributionInput>; never?: Record<string, string>[]; withinMs: number; requests: number; ratePerSec: number;
}) {
  const scenario: TopologyInput = {
    name,
    seed: 1,
    stop: { requests: o.requests },
    arrivals: { process: 'poisson' as const, ratePerSec: o.ratePerSec },
    entry: 'orders',
    services: {
      orders: { servers: [{ count: 2, concurrency: 64 }], balancer: { name: 'least-connections' }, work: [{ work: exp(2) }] },
      payments: { servers: [{ count: 2, concurrency: 256 }], balancer: { name: 'least-connections' }, work: [{ work: o.payments }] },
    },
    calls: { 'orders->payments': o.edge },
    workflows: {
      start: 'order',
      machines: {
        order: {
          service: 'orders', machine: o.order ?? ORDER_MACHINE,
          events: { submit: { in: 'Draft', after: exp(1000) }, cancel: { in: 'PaymentPending', after: o.cancel.after, p: o.cancel.p } },
        },
        payment: {
          service: 'payments', machine: o.payment ?? PAYMENT_MACHINE, request: ['retry', 'authorize'], respond: 'processed', ok: ['Authorized'],
          idempotencyKey: o.idempotencyKey, ...(o.delays ? { delays: o.delays } : {}),
        },
      },
      invariants: {
        never: o.never ?? [{ order: 'Cancelled', payment: 'Authorized' }],
        eventually: [{ order: ['Completed', 'Cancelled', 'Failed'], withinMs: o.withinMs }],
      },
    },
  };
  return scenario;
}

export const WORKFLOW_PRESETS = {
  'order-payment': {
    description: 'an order invokes its payment through the topology (timeout 2 s, 2 retries, idempotency keys): healthy — every order ends within 10 s, no order cancelled while its payment is authorized',
    scenario: orderPayment('order-payment', {
      payments: { dist: 'lognormal', medianMs: 120, p99Ms: 600 }, edge: { timeoutMs: 2000, retries: { max: 2, baseMs: 100 } }, idempotencyKey: true,
      cancel: { after: exp(20_000), p: 0.05 }, withinMs: 10_000, requests: 4000, ratePerSec: 50,
    }),
  },
  'double-charge': {
    description: 'slow payments (median 400 ms) behind a 500 ms timeout with 3 retries and no idempotency keys: a retry after a timeout is a second authorization (set workflows.machines.payment.idempotencyKey to true: none)',
    scenario: orderPayment('double-charge', {
      payments: { dist: 'lognormal', medianMs: 400, p99Ms: 3000 }, edge: { timeoutMs: 500, retries: { max: 3, baseMs: 50 } }, idempotencyKey: false,
      cancel: { after: exp(20_000), p: 0.05 }, withinMs: 10_000, requests: 4000, ratePerSec: 50,
    }),
  },
  'cancel-race': {
    description: 'users cancel (mean 3 s) while slow authorizations (median 2 s) run: orders cancelled with their payment authorized, each voided by a compensating check after ~5 s (use the payment machine without Voided to see them stay)',
    scenario: orderPayment('cancel-race', {
      payments: { dist: 'lognormal', medianMs: 2000, p99Ms: 15_000 }, edge: {}, idempotencyKey: true, payment: PAYMENT_WITH_VOID, delays: { voidCheck: exp(5000) },
      cancel: { after: exp(3000), p: 0.5 }, withinMs: 60_000, requests: 4000, ratePerSec: 50,
    }),
  },
  'stuck-orders': {
    description: 'a payment outage: 30% of authorizations hang for 10 minutes and the call has no timeout — orders stuck in PaymentPending (set workflows.machines.order.machine to the reconciliation variant: after 30 s it settles them)',
    scenario: orderPayment('stuck-orders', {
      payments: { dist: 'bimodal', p: 0.3, a: { dist: 'constant', valueMs: 600_000 }, b: { dist: 'lognormal', medianMs: 120, p99Ms: 600 } }, edge: {}, idempotencyKey: true,
      cancel: { after: exp(20_000), p: 0 }, withinMs: 60_000, requests: 2000, ratePerSec: 50,
      never: [{ order: 'Cancelled', payment: 'Authorized' }, { order: 'Failed', payment: 'Authorized' }],
    }),
  },
};
