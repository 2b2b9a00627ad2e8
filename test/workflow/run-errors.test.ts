/**
 * Errors a workflow meets only while it runs name the scenario field at fault: `always`
 * transitions that keep firing name the state they loop in.
 */
import { describe, expect, it } from 'vitest';
import { simulate, preset, type TopologyInput } from '../../src/index.js';
import { ScenarioError } from '../../src/input/check.js';

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
