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
