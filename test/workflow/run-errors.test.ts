/**
 * Errors a workflow meets only while it runs name the scenario field at fault: a delay drawn past
 * the last time a run can reach (a user event's `after`, a named delay) names that field, not
 * stop.timeMs; `always` transitions that keep firing name the state they loop in.
 */
import { describe, expect, it } from 'vitest';
import { simulate, preset, type TopologyInput } from '../../src/index.js';
import { ScenarioError } from '../../src/input/check.js';
import { ORDER_MACHINE } from '../../src/workflow/presets.js';

type Json = Record<string, any>;

function orderPayment(edit: (w: Json) => void): TopologyInput {
  const input = preset('order-payment') as TopologyInput;
  input.stop = { requests: 50 };
  edit(input.workflows as Json);
  return input;
}

function errorOf(input: TopologyInput): ScenarioError {
  try {
    simulate(input);
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
  throw new Error('the run did not fail');
}

describe('workflow errors at run time', () => {
  it('a user event whose delay ends past 10^13 ms names the event\'s after, with the delay drawn', () => {
    // Durations past 1e12 ms are refused when read, naming the parameter (test/scenario/distribution-caps.test.ts);
    // a tail this heavy (P(draw > 10^13 ms) = 0.74) still draws past the bound at run time.
    for (const after of [{ dist: 'constant', valueMs: 1e300 }, { dist: 'exponential', meanMs: 1e300 }]) {
      const e = errorOf(orderPayment((w) => { w.machines.order.events.submit.after = after; }));
      expect(e.path).toMatch(/^workflows\.machines\.order\.events\.submit\.after\.(valueMs|meanMs)$/);
    }
    const e = errorOf(orderPayment((w) => { w.machines.order.events.submit.after = { dist: 'pareto', alpha: 0.01, minMs: 1 }; }));
    expect(e.path).toBe('workflows.machines.order.events.submit.after');
    expect(e.message).toMatch(/^workflows\.machines\.order\.events\.submit\.after: got \d(\.\d+)?e\+\d+, expected a delay that ends within 10000000000000 ms/);
    expect(e.message).not.toContain('stop.timeMs');
  });

  it('a named delay that ends past 10^13 ms names the delay', () => {
    const named = (wait: Json) => orderPayment((w) => {
      const order = structuredClone(ORDER_MACHINE) as Json;
      order.states.Draft = { after: { wait: 'Submitted' }, on: { submit: 'Submitted' } };
      w.machines.order.machine = order;
      w.machines.order.delays = { wait };
    });
    expect(errorOf(named({ dist: 'constant', valueMs: 2e13 })).path).toBe('workflows.machines.order.delays.wait.valueMs'); // refused when read
    const e = errorOf(named({ dist: 'pareto', alpha: 0.01, minMs: 1 }));
    expect(e.path).toBe('workflows.machines.order.delays.wait');
    expect(e.message).toMatch(/^workflows\.machines\.order\.delays\.wait: got \d(\.\d+)?e\+\d+, expected a delay that ends within/);
  });

  it('a delay at the 1e12 ms cap runs (the run stops at its request count first)', () => {
    const s = simulate(orderPayment((w) => { w.machines.order.events.cancel = { in: 'Draft', after: { dist: 'constant', valueMs: 1e12 } }; }));
    expect(s.workflows!.instances.started).toBe(50);
  });

  it('always transitions that stay enabled name the state they loop in (nested), not only the machine', () => {
    // Spin.Loop re-enters itself while its counter stays below 10^9: a guard that stays true.
    const machine = {
      id: 'order', initial: 'Draft', context: { n: 0 },
      states: {
        Draft: { on: { submit: 'Spin' } },
        Spin: {
          initial: 'Loop',
          states: {
            Loop: { always: { target: 'Loop', reenter: true, guard: { type: 'counter', params: { counter: 'n', op: '<', value: 1e9 } }, actions: { type: 'inc', params: { counter: 'n' } } } },
          },
        },
      },
    };
    const input = orderPayment((w) => {
      w.machines.order.machine = machine;
      delete w.machines.order.events.cancel;
      delete w.machines.payment;
      w.invariants = {};
    }) as Json;
    delete input.calls; // orders alone
    const e = errorOf(input as TopologyInput);
    expect(e.path).toBe('workflows.machines.order.machine.states.Spin.states.Loop.always');
    expect(e.message).toBe('workflows.machines.order.machine.states.Spin.states.Loop.always: got more than 1000 in a row in machine order, the last from state Spin.Loop, expected always transitions that end (guards that stay true loop)');
  });
});
