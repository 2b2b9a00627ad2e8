/**
 * Hostile workflow scenarios the validator must refuse with an error naming the field (or run as
 * written): names that are also keys of every JavaScript object (`constructor`, `toString`,
 * `__proto__`) as delay and event names.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario, preset, simulate, type TopologyInput } from '../../src/index.js';
import { thrownScenarioError } from '../scenario-error.js';

function orderPayment(): Record<string, any> {
  const doc = preset('order-payment') as Record<string, any>;
  doc.stop = { requests: 200 };
  return doc;
}

describe('names that every JavaScript object has', () => {
  it('a delay named constructor or toString without its distribution is refused, naming it', () => {
    for (const name of ['constructor', 'toString', 'hasOwnProperty']) {
      const doc = orderPayment();
      doc.workflows.machines.order.machine.states.Draft.after = { [name]: 'Submitted', slow: 'Submitted' };
      doc.workflows.machines.order.delays = { slow: { dist: 'constant', valueMs: 5 } };
      const e = thrownScenarioError(() => parseScenario(doc), name);
      expect(e.path).toBe(`workflows.machines.order.delays.${name}`);
    }
  });

  it('a delay and a user event named __proto__ are kept as named and fire', () => {
    const doc = orderPayment();
    const order = doc.workflows.machines.order;
    order.machine.states.Draft.on = JSON.parse('{"__proto__": "Submitted"}');
    order.events = JSON.parse('{"__proto__": {"in": "Draft", "after": {"dist": "constant", "valueMs": 5}}}');
    order.machine.states.Submitted = JSON.parse('{"after": {"__proto__": "PaymentPending"}}');
    order.delays = JSON.parse('{"__proto__": {"dist": "constant", "valueMs": 7}}');
    const w = simulate(doc as TopologyInput).workflows!;
    expect(w.machines.order.states.Submitted.entries).toBe(200);
    expect(w.machines.order.states.Submitted.timeMs.mean).toBe(7);
    expect(w.machines.order.states.PaymentPending.entries).toBeGreaterThanOrEqual(200);
  });

  it('a state keyed __proto__ is refused, naming it (XState cannot take it; the summary\'s states by path would lose it)', () => {
    const doc = orderPayment();
    doc.workflows.machines.payment.machine.states = JSON.parse('{"NotStarted": {"on": {"authorize": "__proto__"}}, "__proto__": {"on": {"processed": "Authorized"}}, "Authorized": {}}');
    doc.workflows.machines.payment.request = ['authorize'];
    expect(thrownScenarioError(() => parseScenario(doc), '__proto__').path).toBe('workflows.machines.payment.machine.states.__proto__');
    const nested = orderPayment();
    nested.workflows.machines.order.machine.states.Draft = JSON.parse('{"initial": "A", "states": {"A": {}, "__proto__": {}}, "on": {"submit": "Submitted"}}');
    expect(thrownScenarioError(() => parseScenario(nested), '__proto__').path).toBe('workflows.machines.order.machine.states.Draft.states.__proto__');
  });

  it('a machine takes at most 255 states besides its root, and the error says so', () => {
    const count = (states: Record<string, any>): number => Object.values(states).reduce((n: number, c: any) => n + 1 + (c.states ? count(c.states) : 0), 0);
    const withStates = (total: number) => {
      const doc = orderPayment(), states = doc.workflows.machines.payment.machine.states;
      for (let k = count(states); k < total; k++) states[`Extra${k}`] = {};
      return doc;
    };
    expect(() => parseScenario(withStates(255))).not.toThrow();
    const e = thrownScenarioError(() => parseScenario(withStates(256)), '256 states');
    expect(e.expected).toBe('at most 255 states in a machine (besides its root)');
    expect(e.path).toMatch(/^workflows\.machines\.payment\.machine\.states\.Extra\d+$/);
  });

  it('a machine whose initial state is final is refused (it would be done before it starts)', () => {
    const doc = orderPayment();
    doc.workflows.machines.order.machine.initial = 'Completed';
    expect(thrownScenarioError(() => parseScenario(doc)).path).toBe('workflows.machines.order.machine.initial');
  });
});
