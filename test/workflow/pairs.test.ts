/**
 * Pairs with every machine the start machine invokes: an order that pays, then ships (a second
 * invoked machine in a third service); `pairs` stays the pair with the first, `pairsWith` holds
 * the others; `never` invariants may name any of them.
 */
import { describe, expect, it } from 'vitest';
import { simulate, preset, type TopologyInput } from '../../src/index.js';
import { parseScenario } from '../../src/scenario/scenario.js';

type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** order-payment whose order ships after paying: Shipping invokes a shipment in service shipping. */
function shipping(): TopologyInput {
  const s = preset('order-payment') as Loose;
  s.services.shipping = { servers: [{ count: 2, concurrency: 64 }], balancer: { name: 'least-connections' }, work: [{ work: { dist: 'exponential', meanMs: 50 } }] };
  s.calls['orders->shipping'] = { timeoutMs: 2000 };
  const order = s.workflows.machines.order.machine;
  order.states.PaymentPending.invoke.onDone = 'Shipping';
  order.states.Shipping = { invoke: { src: 'shipment', onDone: 'Completed', onError: 'Failed' } };
  s.workflows.machines.shipment = {
    service: 'shipping', request: ['ship'], respond: 'processed', ok: ['Shipped'],
    machine: { id: 'shipment', initial: 'Idle', states: { Idle: { on: { ship: 'Packing' } }, Packing: { on: { processed: 'Shipped' } }, Shipped: {} } },
  };
  s.workflows.invariants.never.push({ payment: 'Authorized', shipment: 'Packing' }, { order: 'Cancelled', shipment: 'Shipped' });
  return s as TopologyInput;
}

describe('pairs with every invoked machine', () => {
  const w = simulate(shipping()).workflows!;

  it('pairsWith holds the order with its shipment, as pairs holds it with its payment', () => {
    expect(Object.keys(w.pairsWith!)).toEqual(['shipment']);
    const ship = w.pairsWith!.shipment;
    const total = (p: Record<string, { share: number }>) => Object.values(p).reduce((a, x) => a + x.share, 0);
    expect(total(ship)).toBeCloseTo(1, 6);
    expect(total(w.pairs)).toBeCloseTo(1, 6);
    // Every order starts unpaired with both; each shipped order packed once, then shipped.
    expect(ship['Draft|-'].entries).toBe(w.instances.started);
    const packing = w.machines.shipment.states.Packing;
    expect(ship['Shipping|Packing'].entries).toBe(packing.entries);
    expect(ship['Completed|Shipped'].entries).toBe(w.machines.order.endStates.Completed.count);
    // While shipping the payment stays Authorized: the same order-time from either side.
    expect(ship['Shipping|Packing'].share).toBeCloseTo(w.pairs['Shipping|Authorized'].share, 6);
    expect(w.pairs['Draft|-']).toEqual(ship['Draft|-']);
  });

  it('a never invariant over two invoked machines: each packing with the payment authorized, as long as Packing lasts', () => {
    const v = w.invariants.find((x) => x.invariant === 'never payment Authorized and shipment Packing')!;
    const packing = w.machines.shipment.states.Packing;
    expect(v.violations).toBe(packing.entries);
    expect(v.resolved).toBe(v.violations);
    expect(v.meanMs).toBeCloseTo(packing.timeMs.mean, 6);
    expect(w.invariants.find((x) => x.invariant === 'never order Cancelled and shipment Shipped')!.violations).toBe(0);
  });

  it('one invoked machine: no pairsWith (summaries as before)', () => {
    expect('pairsWith' in simulate(preset('order-payment') as TopologyInput).workflows!).toBe(false);
  });

  it('a never invariant naming a machine the start machine does not invoke is refused, naming it', () => {
    const s = shipping() as Loose;
    s.workflows.invariants.never.push({ order: 'Cancelled', bank: 'Paid' });
    expect(() => parseScenario(s)).toThrow(/workflows\.invariants\.never\[3\]\.bank/);
  });
});
