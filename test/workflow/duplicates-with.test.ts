/**
 * Double successes are counted for every machine the start machine invokes, not only the first:
 * `duplicates` for the first (as before), `duplicatesWith.<machine>` for each of the others (as
 * `pairs` and `pairsWith`). Before, an order that reserved, then paid, counted double payments
 * nowhere.
 */
import { describe, expect, it } from 'vitest';
import { simulate, preset, type TopologyInput } from '../../src/index.js';
import { workflowText } from '../../src/cli/workflow-format.js';

const constant = (valueMs: number) => ({ dist: 'constant' as const, valueMs });
const callee = (id: string, ok: string) => ({
  id, initial: 'Idle', states: { Idle: { on: { go: 'Working' } }, Working: { on: { processed: ok } }, [ok]: {} },
});

/**
 * `n` orders, 1 s apart: `Reserving` invokes `inventory`, then (done or not) `Paying` invokes
 * `payment`. Both callees take a constant 30 ms; both edges time out at 20 ms with 2 retries 1 ms
 * apart (no jitter): attempts at +0, +21, +42 ms, the call failing at +62. No idempotency key:
 * every attempt is a new operation and each succeeds 30 ms after it began (the families wait for
 * them), so each order has 3 reservations and 3 payments: 2 extra of each.
 */
function twice(n: number, keyed: boolean): TopologyInput {
  const edge = { timeoutMs: 20, retries: { max: 2, baseMs: 1, capMs: 1, jitter: 'none' } };
  const svc = (work: number) => ({ servers: [{ count: 1, concurrency: 64 }], balancer: { name: 'round-robin' }, work: [{ work: constant(work) }] });
  return {
    name: 'duplicates-with', seed: 1, stop: { requests: n },
    arrivals: { process: 'trace', timesMs: Array.from({ length: n }, (_, i) => 1000 * (i + 1)) },
    entry: 'orders',
    services: { orders: svc(1), inventory: svc(30), payments: svc(30) },
    calls: { 'orders->inventory': edge, 'orders->payments': edge },
    workflows: {
      start: 'order',
      machines: {
        order: {
          service: 'orders',
          machine: {
            id: 'order', initial: 'Reserving',
            states: {
              Reserving: { invoke: { src: 'inventory', onDone: 'Paying', onError: 'Paying' } },
              Paying: { invoke: { src: 'payment', onDone: 'Completed', onError: 'Failed' } },
              Completed: { type: 'final' }, Failed: { type: 'final' },
            },
          },
        },
        inventory: { service: 'inventory', request: ['go'], respond: 'processed', ok: ['Reserved'], idempotencyKey: keyed, machine: callee('inventory', 'Reserved') },
        payment: { service: 'payments', request: ['go'], respond: 'processed', ok: ['Authorized'], idempotencyKey: keyed, machine: callee('payment', 'Authorized') },
      },
    },
  } as TopologyInput;
}

describe('double successes of every invoked machine', () => {
  it('the second invoked machine\'s are counted too (duplicatesWith), as the first\'s', () => {
    const r = simulate(twice(10, false)), w = r.workflows!;
    expect(w.machines.inventory.instances).toBe(30);
    expect(w.machines.payment.instances).toBe(30);
    expect(w.machines.payment.endStates.Authorized.count).toBe(30);
    expect(w.duplicates).toEqual({ machine: 'inventory', families: 10, extra: 20 });
    expect(w.duplicatesWith).toEqual({ payment: { families: 10, extra: 20 } });
    expect(w.instances).toMatchObject({ started: 10, completed: 10, live: 0 });
    const text = workflowText(w);
    expect(text).toContain('inventory succeeded more than once: 10 instances (20 extra)\n');
    expect(text).toContain('payment succeeded more than once: 10 instances (20 extra)\n');
  });

  it('with idempotency keys every attempt meets one operation: none', () => {
    const w = simulate(twice(10, true)).workflows!;
    expect(w.machines.payment.instances).toBe(10);
    expect(w.duplicates).toEqual({ machine: 'inventory', families: 0, extra: 0 });
    expect(w.duplicatesWith).toEqual({ payment: { families: 0, extra: 0 } });
  });

  it('one invoked machine: no duplicatesWith (the summary as before)', () => {
    const input = preset('order-payment') as TopologyInput;
    input.stop = { requests: 200 };
    const w = simulate(input).workflows!;
    expect(w.duplicatesWith).toBeUndefined();
    expect(w.duplicates!.machine).toBe('payment');
  });
});
