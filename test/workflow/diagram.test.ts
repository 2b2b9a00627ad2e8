/**
 * `lbsim diagram workflow` (workflowMermaid) on shapes the presets do not have: a machine invoked
 * from two states of the order is drawn once, inside the first (Mermaid's state ids are global: a
 * second copy would be the same states again, and the counts are the machine's, not per invoking
 * state); the counts drawn are the summary's transition counts.
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
});
