/**
 * Each workflow preset shows its effect, and the fix named in its description removes it.
 */
import { describe, expect, it } from 'vitest';
import { simulate, preset, type TopologyInput } from '../../src/index.js';
import { ORDER_WITH_RECONCILIATION, PAYMENT_MACHINE } from '../../src/workflow/presets.js';
import type { WorkflowsSummary } from '../../src/workflow/summary.js';

const run = (input: TopologyInput): WorkflowsSummary => simulate(input).workflows!;
const invariant = (w: WorkflowsSummary, text: string) => w.invariants.find((v) => v.invariant.startsWith(text))!;
type Machines = { machines: Record<string, Record<string, unknown>> };

describe('workflow presets', () => {
  it('order-payment: healthy — every order ends, within 10 s, no double authorization', () => {
    const w = run(preset('order-payment'));
    expect(w.instances).toEqual({ started: 4000, completed: 4000, live: 0 });
    expect(invariant(w, 'eventually').violations).toBe(0);
    expect(w.duplicates).toEqual({ machine: 'payment', families: 0, extra: 0 });
    // Cancellation (p 0.05, after an exponential 20 s) rarely beats a ~150 ms authorization:
    // P ≈ 0.05 · E[1 - e^(-T/20 s)] ≈ 0.05 · 0.0075, about 1.5 of 4000 orders.
    expect(w.machines.order.endStates.Cancelled?.count ?? 0).toBeLessThan(10);
    expect(w.machines.order.endStates.Completed.share).toBeGreaterThan(0.99);
    // Every order passed Draft → Submitted → PaymentPending once, re-entered it only after an error.
    const t = w.machines.order.transitions;
    expect(t['Draft --submit--> Submitted']).toBe(4000);
    expect(t['Submitted --always--> PaymentPending']).toBe(4000);
    expect(w.machines.order.states.PaymentPending.entries).toBe(4000 + (t['PaymentPending --error [retries < 1]--> PaymentPending'] ?? 0));
    // Declined with p 0.08, Error with 0.02 of the rest: 9.84% of authorizations fail.
    const p = w.machines.payment.transitions, tries = w.machines.payment.states.Authorizing.entries;
    const failed = (p['Authorizing --processed [p 0.08]--> Declined'] + p['Authorizing --processed [p 0.02]--> Error']) / tries;
    expect(Math.abs(failed - 0.0984)).toBeLessThan(4 * Math.sqrt(0.0984 * 0.9016 / tries));
  });

  it('double-charge: retries after timeouts without idempotency keys authorize twice; with keys never', () => {
    const without = run(preset('double-charge'));
    expect(without.duplicates!.families).toBeGreaterThan(500);
    expect(without.duplicates!.extra).toBeGreaterThanOrEqual(without.duplicates!.families);
    expect(without.machines.payment.instances).toBeGreaterThan(4000); // a new operation per attempt
    const input = preset('double-charge');
    (input.workflows as unknown as Machines).machines.payment.idempotencyKey = true;
    const keyed = run(input);
    expect(keyed.duplicates).toEqual({ machine: 'payment', families: 0, extra: 0 });
    expect(keyed.machines.payment.instances).toBeLessThanOrEqual(4000); // one operation per order
  });

  it('a lost answer (the edge\'s loss): the retry authorizes again without keys, meets the same payment with them', () => {
    const lossy = (keyed: boolean) => {
      const input = preset('order-payment');
      (input.calls as Record<string, unknown>)['orders->payments'] = { timeoutMs: 1000, retries: { max: 3, baseMs: 50 }, loss: 0.2 };
      (input.workflows as unknown as Machines).machines.payment.idempotencyKey = keyed;
      return run(input);
    };
    const without = lossy(false), keyed = lossy(true);
    // An authorization's answer is lost with p 0.2 (about 0.9 of first attempts authorize): the
    // retry is a new operation, authorized again with p ≈ 0.9 — some 16% of 4,000 orders.
    expect(without.duplicates!.families).toBeGreaterThan(0.1 * 4000);
    expect(keyed.duplicates!.families).toBe(0);
    // onDone fires once per order that completes, lost answers or not.
    for (const w of [without, keyed]) expect(w.machines.order.transitions['PaymentPending --done--> Completed']).toBe(w.machines.order.endStates.Completed.count);
  });

  it('cancel-race: cancelled-but-authorized orders, each resolved by the void after ~5 s; without the void they stay', () => {
    const w = run(preset('cancel-race'));
    const v = invariant(w, 'never order Cancelled and payment Authorized');
    expect(v.violations).toBeGreaterThan(300);
    expect(v.resolved).toBe(v.violations);
    expect(v.unresolved).toBe(0);
    // Each lasts the void check's delay: exponential, mean 5 s (standard error 5 s/√n).
    expect(Math.abs(v.meanMs - 5000)).toBeLessThan(4 * 5000 / Math.sqrt(v.resolved));
    expect(w.machines.payment.endStates.Voided.count).toBe(v.violations);
    // The counterexample: the cancel came while authorizing, the authorization after it.
    const tl = v.example!.timeline.join('\n');
    expect(tl).toMatch(/order: PaymentPending --cancel--> Cancelled[\s\S]*payment: Authorizing --processed--> Authorized/);
    const input = preset('cancel-race');
    (input.workflows as unknown as Machines).machines.payment.machine = PAYMENT_MACHINE;
    delete (input.workflows as unknown as Machines).machines.payment.delays;
    const plain = invariant(run(input), 'never order Cancelled and payment Authorized');
    expect(plain.violations).toBeGreaterThan(300); // the same race (the void's delays draw from the stream too: not the same count)
    expect(plain.unresolved).toBe(plain.violations);
    expect(plain.resolved).toBe(0);
  });

  it('stuck-orders: a hanging payment without timeout leaves orders pending past 60 s; a reconciliation timer settles them (and shows failed-but-authorized ones)', () => {
    const w = run(preset('stuck-orders'));
    const late = invariant(w, 'eventually');
    // 30% of authorizations hang for 10 minutes: their orders, and those queued behind them.
    expect(late.violations).toBeGreaterThan(0.3 * 2000 * 0.8);
    expect(late.meanMs).toBeGreaterThan(400_000);
    expect(w.machines.order.states.PaymentPending.timeMs.p99).toBeGreaterThan(600_000);
    const input = preset('stuck-orders');
    (input.workflows as unknown as Machines).machines.order.machine = ORDER_WITH_RECONCILIATION;
    const fixed = run(input);
    expect(invariant(fixed, 'eventually').violations).toBe(0);
    expect(fixed.machines.order.states.PaymentPending.timeMs.p99).toBeLessThanOrEqual(30_000 * 1.01);
    // Settled as failed while the hung authorization goes through later: the next inconsistency.
    const charged = invariant(fixed, 'never order Failed and payment Authorized');
    expect(charged.violations).toBeGreaterThan(0);
    expect(charged.unresolved).toBe(charged.violations);
  });
});
