/**
 * Messages between machines (`send` actions) and `in` guards on the related machine, in a run:
 * an order cancelled while its authorization's answer is still on its way sends `void` to its
 * payment, which voids in the same cascade (no violation); one cancelled while the payment is
 * still authorizing finds nothing to void (the event comes before the payment can take it) and
 * stays inconsistent.
 */
import { describe, expect, it } from 'vitest';
import { preset, simulate, ScenarioError, type TopologyInput } from '../../src/index.js';
import { ORDER_MACHINE, PAYMENT_MACHINE } from '../../src/workflow/presets.js';

function scenario() {
  const input = preset('cancel-race') as Record<string, any>;
  const order = structuredClone(ORDER_MACHINE) as Record<string, any>;
  order.states.PaymentPending.on.cancel = { target: 'Cancelled', actions: { type: 'send', params: { to: 'payment', event: 'void' } } };
  const payment = structuredClone(PAYMENT_MACHINE) as Record<string, any>;
  payment.states.Authorized = { on: { void: 'Voided' } };
  payment.states.Voided = { type: 'final' };
  input.workflows.machines.order.machine = order;
  input.workflows.machines.payment.machine = payment;
  delete input.workflows.machines.payment.delays;
  // Answers take 500 ms back to the order: a cancel can come between the authorization and its answer.
  input.calls = { 'orders->payments': { latencyMs: { dist: 'constant', valueMs: 500 } } };
  return input;
}

describe('messages between machines', () => {
  it('a cancel sent after the authorization voids it; one sent before finds nothing to void', () => {
    const w = simulate(scenario() as TopologyInput).workflows!;
    const cancelled = w.machines.order.endStates.Cancelled.count;
    const voided = w.machines.payment.endStates.Voided?.count ?? 0;
    const v = w.invariants.find((x) => x.invariant.startsWith('never'))!;
    expect(voided).toBeGreaterThan(50);
    // The cancel's step ends with the pair Cancelled|Authorized, but the void is delivered in the
    // same cascade: the two never disagree once it is over, no violation. Cancels that came while
    // authorizing are the violations, and stay unresolved (nothing voids after the cancel).
    expect(v.resolved).toBe(0);
    expect(v.unresolved).toBeGreaterThan(50);
    expect(v.violations).toBe(v.unresolved);
    expect(voided + v.violations).toBeLessThanOrEqual(cancelled);
  });

  it('machines messaging each other without end at one instant: exit 2 naming workflows', () => {
    const input = scenario();
    const order = input.workflows.machines.order.machine;
    order.states.PaymentPending.on.pong = { actions: { type: 'send', params: { to: 'payment', event: 'ping' } } };
    const payment = input.workflows.machines.payment.machine;
    payment.on = { ping: { actions: { type: 'send', params: { to: 'parent', event: 'pong' } } } };
    payment.states.NotStarted.entry = { type: 'send', params: { to: 'parent', event: 'pong' } };
    input.stop = { requests: 5 };
    expect(() => simulate(input as TopologyInput)).toThrow(ScenarioError);
    expect(() => simulate(input as TopologyInput)).toThrow(/^workflows: got "1000000 messages and calls at [\d.]+ ms", expected machines that do not call or message each other without end/);
  });
});
