/**
 * The Order ↔ Payment machines (XState v5 configs, guards and actions as data) and the workflow
 * presets built on them. Tests assert each preset's effect: test/workflow/presets.test.ts.
 */

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
