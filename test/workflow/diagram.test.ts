/**
 * `lbsim diagram workflow` (workflowMermaid) on shapes the presets do not have: a machine invoked
 * from two states of the order is drawn once, inside the first (Mermaid's state ids are global: a
 * second copy would be the same states again, and the counts are the machine's, not per invoking
 * state); the counts drawn are the summary's transition counts; a nested state's flattened id
 * (Pending.Wait as Pending_Wait) that meets another state's key (Pending_Wait) is told apart; a
 * transition to the machine itself ("#order", which re-enters it) is drawn to its initial state.
 */
import { describe, expect, it } from 'vitest';
import { simulate, type TopologyInput } from '../../src/index.js';
import { workflowMermaid } from '../../src/workflow/diagram.js';
import type { WorkflowConfig } from '../../src/workflow/world.js';

const slots = { servers: [{ count: 1, concurrency: 1000 }], balancer: { name: 'round-robin' } };
const workflows = {
  start: 'order',
  machines: {
    order: {
      service: 'orders',
      machine: { id: 'order', initial: 'Paying', states: {
        Paying: { invoke: { src: 'payment', onDone: 'Confirming', onError: 'Failed' } },
        // The same payment again (its key meets the same child): a confirmation.
        Confirming: { invoke: { src: 'payment', onDone: 'Completed', onError: 'Failed' } },
        Completed: { type: 'final' }, Failed: { type: 'final' } } },
    },
    payment: {
      service: 'payments',
      machine: { id: 'payment', initial: 'NotStarted', states: {
        NotStarted: { on: { authorize: 'Authorizing' } },
        Authorizing: { on: { processed: [{ target: 'Declined', guard: { type: 'chance', params: { p: 0.1 } } }, { target: 'Authorized' }] } },
        Authorized: {}, Declined: {} } },
      request: ['authorize'], respond: 'processed', ok: ['Authorized'], idempotencyKey: true,
    },
  },
};
const input = {
  name: 'two-invokes', seed: 3, stop: { requests: 500 }, arrivals: { process: 'poisson', ratePerSec: 50 }, entry: 'orders',
  services: { orders: { ...slots, work: [{ work: { dist: 'constant', valueMs: 0 } }] }, payments: { ...slots, work: [{ work: { dist: 'exponential', meanMs: 50 } }] } },
  calls: { 'orders->payments': {} },
  workflows,
} as unknown as TopologyInput;

describe('workflow diagram', () => {
  it('a machine invoked from two states is drawn once, inside the first, with the summary\'s counts', () => {
    const w = simulate(input).workflows!;
    const text = workflowMermaid(workflows as unknown as WorkflowConfig, w);
    expect(text.split('[*] --> NotStarted').length - 1).toBe(1);
    expect(text).toContain('\n    state Paying {\n        [*] --> NotStarted\n');
    expect(text).not.toContain('state Confirming {');
    // Every count drawn is a transition count of the summary, and every counted transition is drawn.
    const drawn = [...text.matchAll(/ (\d+)(?: \([^)]*%\))?$/gm)].map((m) => Number(m[1])).filter((n) => n > 0).sort((a, b) => a - b);
    const counted = Object.values(w.machines).flatMap((m) => Object.values(m.transitions)).filter((n) => n > 0).sort((a, b) => a - b);
    expect(drawn).toEqual(counted);
    expect(w.machines.order.transitions['Confirming --done--> Completed']).toBeGreaterThan(400);
  });

  it('a nested state whose flattened id is another state\'s key: the later one gets a suffix and a label', () => {
    const wf = structuredClone(workflows) as unknown as { machines: { order: { machine: { states: Record<string, unknown> } } } };
    const states = wf.machines.order.machine.states;
    states.Paying = { initial: 'Wait', states: { Wait: { on: { go: '#order.Paying_Wait' } } }, invoke: { src: 'payment', onDone: 'Confirming', onError: 'Failed' } };
    states.Paying_Wait = { type: 'final' };
    const events = { go: { in: 'Paying.Wait', after: { dist: 'exponential', meanMs: 20 } } };
    (wf.machines.order as Record<string, unknown>).events = events;
    const w = simulate({ ...input, workflows: wf } as unknown as TopologyInput).workflows!;
    const text = workflowMermaid(wf as unknown as WorkflowConfig, w);
    const n = w.machines.order.transitions['Paying.Wait --go--> Paying_Wait'];
    expect(n).toBeGreaterThan(100);
    expect(text).toContain('\n    state "Paying_Wait" as Paying_Wait_2\n');
    expect(text).toMatch(new RegExp(`\\n {8}Paying_Wait --> Paying_Wait_2: go · ${n} \\(100%\\)\\n`));
    expect(text).toContain('\n    Paying_Wait_2 --> [*]\n');
    expect(text).not.toMatch(/Paying_Wait --> Paying_Wait[: ]/);
  });

  it('a transition to the machine itself ("#order") is drawn to its initial state, not to a state named after the machine', () => {
    const wf = structuredClone(workflows) as unknown as { machines: { order: { machine: { states: Record<string, Record<string, unknown>> } } } };
    wf.machines.order.machine.states.Confirming.on = { restart: '#order' };
    (wf.machines.order as Record<string, unknown>).events = { restart: { in: 'Confirming', after: { dist: 'constant', valueMs: 1 }, p: 0.2 } };
    const w = simulate({ ...input, workflows: wf } as unknown as TopologyInput).workflows!;
    const text = workflowMermaid(wf as unknown as WorkflowConfig, w);
    const n = w.machines.order.transitions['Confirming --restart--> order'];
    expect(n).toBeGreaterThan(50);
    expect(text).toMatch(new RegExp(`\\n    Confirming --> Paying: restart · ${n} \\(`));
    expect(text).not.toMatch(/--> order[: ]/);
  });
});
