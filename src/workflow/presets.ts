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

/**
 * Checkout's order: it reserves stock (invokes inventory), then pays (invokes payment); a reservation or
 * payment that fails, or a user who cancels while paying, cancels it, and entering Cancelled sends the
 * inventory `release` (the compensation).
 */
export const CHECKOUT_ORDER = {
  id: 'order',
  initial: 'Draft',
  states: {
    Draft: { on: { submit: 'Submitted' } },
    Submitted: { always: 'Reserving' },
    Reserving: { invoke: { src: 'inventory', onDone: 'Paying', onError: 'Cancelled' } },
    Paying: { invoke: { src: 'payment', onDone: 'Completed', onError: 'Cancelled' }, on: { cancel: 'Cancelled' } },
    Completed: { type: 'final' },
    Cancelled: { type: 'final', entry: { type: 'send', params: { to: 'inventory', event: 'release' } } },
  },
};

/** Inventory: Idle → Reserving → Reserved | OutOfStock (2%); Reserved → Released on the order's `release` (a release that finds it still Reserving is ignored). */
export const INVENTORY_MACHINE = {
  id: 'inventory',
  initial: 'Idle',
  states: {
    Idle: { on: { reserve: 'Reserving' } },
    Reserving: {
      on: {
        processed: [
          { target: 'OutOfStock', guard: { type: 'chance', params: { p: 0.02 } } },
          { target: 'Reserved' },
        ],
      },
    },
    Reserved: { on: { release: 'Released' } },
    OutOfStock: { type: 'final' },
    Released: { type: 'final' },
  },
};

/** The inventory that checks its order when a reservation lands: one whose order is already Cancelled is released at once. */
export const INVENTORY_CHECKED = {
  ...INVENTORY_MACHINE,
  states: {
    ...INVENTORY_MACHINE.states,
    Reserving: {
      on: {
        processed: [
          { target: 'Released', guard: { type: 'in', params: { machine: 'parent', state: 'Cancelled' } } },
          ...INVENTORY_MACHINE.states.Reserving.on.processed,
        ],
      },
    },
  },
};

export const WORKFLOW_MACHINES = {
  order: ORDER_MACHINE, payment: PAYMENT_MACHINE, 'payment-with-void': PAYMENT_WITH_VOID, 'order-with-reconciliation': ORDER_WITH_RECONCILIATION,
  'checkout-order': CHECKOUT_ORDER, inventory: INVENTORY_MACHINE, 'inventory-checked': INVENTORY_CHECKED,
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

/**
 * Checkout: orders (50/s, entry orders) reserve stock at inventory, then pay at payments; a second
 * entry, admin, reads inventory in bursts (600/s for 2 s every 10 s) — plain traffic. Inventory
 * answers from its database, stock: 8 connections, 20 ms a query (400/s), where the bursts queue
 * and the reservations behind them time out.
 */
function checkout(): TopologyInput {
  return {
    name: 'checkout',
    seed: 1,
    stop: { timeMs: 80_000 },
    entries: {
      orders: { arrivals: { process: 'poisson', ratePerSec: 50 } },
      admin: { arrivals: { process: 'on-off', ratePerSec: 600, offRatePerSec: 0, onMs: 2000, offMs: 8000 } },
    },
    services: {
      orders: { servers: [{ count: 2, concurrency: 64 }], balancer: { name: 'least-connections' }, work: [{ work: exp(2) }] },
      admin: { servers: [{ count: 1, concurrency: 2048 }], balancer: { name: 'round-robin' }, work: [{ work: exp(1) }, { call: 'inventory' }] },
      inventory: { servers: [{ count: 2, concurrency: 2048 }], balancer: { name: 'least-connections' }, work: [{ work: exp(1) }, { call: 'stock' }] },
      stock: { servers: [{ count: 1, concurrency: 8 }], balancer: { name: 'round-robin' }, work: [{ work: exp(20) }] },
      payments: { servers: [{ count: 2, concurrency: 256 }], balancer: { name: 'least-connections' }, work: [{ work: { dist: 'lognormal', medianMs: 120, p99Ms: 600 } }] },
    },
    calls: {
      'orders->inventory': { timeoutMs: 300, retries: { max: 1, baseMs: 50 } },
      'orders->payments': { timeoutMs: 2000, retries: { max: 2, baseMs: 100 } },
    },
    workflows: {
      start: 'order',
      machines: {
        order: {
          service: 'orders', machine: CHECKOUT_ORDER,
          events: { submit: { in: 'Draft', after: exp(1000) }, cancel: { in: 'Paying', after: exp(20_000), p: 0.05 } },
        },
        inventory: { service: 'inventory', machine: INVENTORY_MACHINE, request: ['reserve'], respond: 'processed', ok: ['Reserved'], idempotencyKey: true },
        payment: { service: 'payments', machine: PAYMENT_MACHINE, request: ['retry', 'authorize'], respond: 'processed', ok: ['Authorized'], idempotencyKey: true },
      },
      invariants: {
        never: [{ order: 'Cancelled', inventory: 'Reserved' }, { order: 'Cancelled', payment: 'Authorized' }],
        eventually: [{ order: ['Completed', 'Cancelled'], withinMs: 10_000 }],
      },
    },
  };
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
  checkout: {
    description: 'orders reserve stock (inventory), then pay; admin reads of inventory in bursts (600/s for 2 s every 10 s) time reservations out (300 ms): the order cancels and sends release, but a reservation still in the queue lands after it — stock held for cancelled orders (set workflows.machines.inventory.machine to the variant that checks its order on arrival: none)',
    scenario: checkout(),
  },
};
