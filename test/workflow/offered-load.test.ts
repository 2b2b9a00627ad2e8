/**
 * The offered load of a scenario with workflows counts the calls the start machine's invokes
 * make (one per entry request and invoking state its transitions reach), so `lbsim validate`
 * and the overload warning see the invoked service's work; and the validation a newcomer met:
 * a misspelt guard or action type blamed on its type, an entry that is not the start machine's
 * service refused.
 */
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { parseScenario, preset } from '../../src/index.js';
import { WORKFLOW_PRESETS } from '../../src/workflow/presets.js';
import { topologyLoad } from '../../src/scenario/topology-load.js';
import { thrownScenarioError } from '../scenario-error.js';

const cli = async (...args: string[]) => {
  let out = '', err = '';
  const code = await main(args, { out: (t) => { out += t; }, err: (t) => { err += t; }, progress: false });
  return { code, out, err };
};

/** The 99th percentile of the standard normal distribution. */
const Z99 = 2.3263478740408408;
/** Mean of a lognormal given by its median and p99: median · exp(σ²/2), σ = ln(p99 / median) / z99. */
const lognormalMean = (medianMs: number, p99Ms: number) => medianMs * Math.exp((Math.log(p99Ms / medianMs) / Z99) ** 2 / 2);

type Doc = Record<string, any>;
const loadOf = (doc: Doc) => Object.fromEntries(topologyLoad(parseScenario(doc)).services.map((s) => [s.name, s]));

describe('offered load with workflows', () => {
  it('validate cancel-race: payments at λ · E[authorization] / slots = 50/s × 2.91 s / 512 = 0.28 (was 0.00: the invoke\'s calls were missed)', async () => {
    const doc = preset('cancel-race') as Doc;
    // From the preset: 50 orders/s, each reaching PaymentPending (the invoke) once; payments' work
    // lognormal median 2 s, p99 15 s, on 2 servers × 256 slots.
    expect(doc.arrivals).toEqual({ process: 'poisson', ratePerSec: 50 });
    expect(doc.services.payments.work).toEqual([{ work: { dist: 'lognormal', medianMs: 2000, p99Ms: 15000 } }]);
    expect(doc.services.payments.servers).toEqual([{ count: 2, concurrency: 256 }]);
    const rho = (50 / 1000) * lognormalMean(2000, 15000) / 512;
    expect(rho).toBeCloseTo(0.2842, 4);
    const payments = loadOf(doc).payments;
    expect(payments.visits).toBe(1);
    expect(payments.rho).toBeCloseTo(rho, 12);
    const r = await cli('validate', 'cancel-race');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/: orders 0\.00078, payments 0\.28\n$/);
    expect(r.err).toBe('');
  });

  it('every workflow preset with one entry: one call per order at the invoked service, its ρ that of its work; the start service only its own', () => {
    const names = Object.keys(WORKFLOW_PRESETS).filter((n) => !(preset(n) as Doc).entries);
    expect(names.length).toBeGreaterThanOrEqual(4);
    for (const name of names) {
      const doc = preset(name) as Doc;
      const load = loadOf(doc);
      const lambda = doc.arrivals.ratePerSec as number;
      const { start, machines } = doc.workflows;
      const invoked = Object.keys(machines).filter((m) => m !== start);
      expect(invoked, name).toHaveLength(1);
      const service = machines[invoked[0]].service as string;
      expect(load[service].visits, name).toBe(1);
      expect(load[service].rho, name).toBeCloseTo((lambda / 1000) * load[service].workMs / load[service].capacity, 12);
      expect(load[service].rho, name).toBeGreaterThan(0);
      expect(load[machines[start].service].visits, name).toBe(1);
    }
  });

  it('counts each invoking state the transitions reach, once, nested ones too, and none they cannot reach', () => {
    const doc = preset('order-payment') as Doc;
    const order = doc.workflows.machines.order;
    order.machine = {
      id: 'order', initial: 'Draft', states: {
        Draft: { on: { submit: 'Paying' } },
        Paying: {
          initial: 'First', on: { cancel: 'Cancelled' }, states: {
            First: { invoke: { src: 'payment', onDone: '#order.Completed', onError: 'Second' } },
            Second: { invoke: { src: 'payment', onDone: '#order.Completed', onError: '#order.Failed' } },
            Unreached: { invoke: { src: 'payment', onDone: '#order.Completed' } },
          },
        },
        Completed: { type: 'final' }, Cancelled: { type: 'final' }, Failed: { type: 'final' },
      },
    };
    order.events.cancel.in = 'Paying';
    expect(loadOf(doc).payments.visits).toBe(2);
    // Draft's submit now leads straight to a final state: nothing invokes.
    order.machine.states.Draft.on.submit = 'Completed';
    expect(loadOf(doc).payments.visits).toBe(0);
  });

  it('validate checkout: λ = 50 orders/s + admin 600/s for 2 s in 10 = 170/s; every request reaches stock once: 170/s × 20 ms / 8 = 0.425 (the bursts, 650/s, are 1.63)', async () => {
    const doc = preset('checkout') as Doc;
    expect(doc.entries.orders.arrivals).toEqual({ process: 'poisson', ratePerSec: 50 });
    expect(doc.entries.admin.arrivals).toEqual({ process: 'on-off', ratePerSec: 600, offRatePerSec: 0, onMs: 2000, offMs: 8000 });
    expect(doc.services.stock.servers).toEqual([{ count: 1, concurrency: 8 }]);
    const load = loadOf(doc);
    // Orders reach inventory by the invoke (once per order), admin by its call step: every request once, and inventory calls stock once.
    expect(load.inventory.visits).toBeCloseTo(1, 12);
    expect(load.stock.visits).toBeCloseTo(1, 12);
    expect(load.stock.rho).toBeCloseTo(170 * 0.02 / 8, 12);
    // Payments: one call per order, 50 of the 170 requests a second.
    expect(load.payments.visits).toBeCloseTo(50 / 170, 12);
    expect(load.payments.rho).toBeCloseTo((50 / 1000) * lognormalMean(120, 600) / 512, 12);
    const r = await cli('validate', 'checkout');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/stock 0\.43\b/);
  });

  it('warns when a service\'s offered load is 1 or more (stuck-orders: 30% of authorizations hang 10 minutes)', async () => {
    const doc = preset('stuck-orders') as Doc;
    const payments = loadOf(doc).payments;
    expect(payments.rho).toBeGreaterThan(1);
    const r = await cli('validate', 'stuck-orders');
    expect(r.code).toBe(0);
    expect(r.err).toBe(`lbsim: warning: offered load at payments ρ = ${payments.rho.toFixed(2)} >= 1 (work only): requests arrive there faster than its servers can serve them, ` +
      'so its queues grow for as long as the run lasts, unless queue limits drop the excess\n');
    const run = await cli('run', 'stuck-orders', '--requests', '50');
    expect(run.err).toContain('lbsim: warning: offered load at payments ρ = ');
  });
});

describe('workflow validation a newcomer met', () => {
  it('a misspelt guard type with its params is blamed on guard.type, with the known types', () => {
    const text = JSON.stringify(preset('order-payment')).replace(/"chance"/g, '"chanse"');
    const e = thrownScenarioError(() => parseScenario(JSON.parse(text)));
    expect(e.path).toBe('workflows.machines.payment.machine.states.Authorizing.on.processed[0].guard.type');
    expect(e.message).toContain('got "chanse", expected "chance", "counter" or "in"');
  });

  it('a misspelt action type with its params is blamed on actions.type, with the known types', () => {
    const doc = preset('order-payment') as Doc;
    doc.workflows.machines.order.machine.states.PaymentPending.invoke.onError[0].actions = { type: 'sned', params: { to: 'payment', event: 'authorize' } };
    const e = thrownScenarioError(() => parseScenario(doc));
    expect(e.path).toBe('workflows.machines.order.machine.states.PaymentPending.invoke.onError[0].actions.type');
    expect(e.message).toContain('got "sned", expected "inc", "set" or "send"');
  });

  it('an entry other than the start machine\'s service is refused, naming entry and that service', () => {
    const doc = preset('order-payment') as Doc;
    doc.entry = 'payments';
    const e = thrownScenarioError(() => parseScenario(doc));
    expect(e.path).toBe('entry');
    expect(e.message).toBe('entry: got "payments", expected "orders", the service of the start machine (order): each entry arrival creates an instance of order there');
  });
});
