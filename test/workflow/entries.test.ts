/**
 * Workflows with several entries (`entries`): an arrival at the start machine's service creates
 * an instance; arrivals at other entries are plain traffic sharing the services (payments also
 * called by another client).
 */
import { describe, expect, it } from 'vitest';
import { simulate, parseScenario, preset, type TopologyInput } from '../../src/index.js';
import { topologyLoad } from '../../src/scenario/topology-load.js';
import { thrownScenarioError } from '../scenario-error.js';

type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** order-payment with its 50 orders/s at entry orders, and `direct` requests/s straight to payments. */
function twoEntries(direct: number): Loose {
  const s = preset('order-payment') as Loose;
  const arrivals = s.arrivals;
  delete s.entry;
  delete s.arrivals;
  s.entries = { orders: { arrivals }, payments: { arrivals: { process: 'poisson', ratePerSec: direct } } };
  return s;
}

describe('workflows with several entries', () => {
  it('orders arrive at orders and create the families; requests at payments are plain traffic', () => {
    const r = simulate(twoEntries(200) as TopologyInput), w = r.workflows!;
    expect(r.edges['client->payments'].calls).toBeGreaterThan(1000);
    expect(w.instances.started).toBe(r.edges['client->orders'].calls);
    expect(w.instances.completed + w.instances.live).toBe(w.instances.started);
    // With idempotency keys one payment per order: none for the direct requests.
    expect(w.machines.payment.instances).toBe(w.instances.started);
    expect(w.machines.payment.states.NotStarted.entries).toBeLessThanOrEqual(r.edges['orders->payments'].attempts);
  });

  it('the offered load counts the invokes per order, not per request of every entry', () => {
    const load = Object.fromEntries(topologyLoad(parseScenario(twoEntries(200))).services.map((s) => [s.name, s]));
    // λ = 250/s: orders get 50/250 of the requests, payments 200/250 directly and one call per order.
    expect(load.orders.visits).toBeCloseTo(0.2, 12);
    expect(load.payments.visits).toBeCloseTo(0.8 + 0.2, 12);
  });

  it('entries without the start machine\'s service are refused, naming entries', () => {
    const s = twoEntries(200);
    delete s.entries.orders;
    const e = thrownScenarioError(() => parseScenario(s));
    expect(e.path).toBe('entries');
    expect(e.message).toMatch(/an entry "orders", the service of the start machine \(order\)/);
  });
});
