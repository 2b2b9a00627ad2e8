/** Checked runs of topologies: every call and attempt transition against its machine. */
import { describe, expect, it } from 'vitest';
import { preset, presetNames, simulate, createTopologyModel, type TopologyInput } from '../../src/index.js';
import { AttemptState, IllegalTransitionError, toMermaid } from '../../src/model/states.js';
import { TOPOLOGY_ATTEMPT_MACHINE, TOPOLOGY_CALL_MACHINE } from '../../src/model/topology-machines.js';
import { I_STATE, ROW_I32 } from '../../src/model/request-table.js';

describe('checked topology runs', () => {
  it('every topology preset gives the same summary checked and unchecked, with transitions counted', () => {
    const names = presetNames().filter((name) => 'services' in (preset(name) ?? {}));
    expect(names.length).toBeGreaterThanOrEqual(5);
    for (const name of names) {
      const scenario = preset(name) as unknown as TopologyInput;
      const plain = simulate(scenario, { requests: 3000 });
      const checked = simulate(scenario, { requests: 3000, checked: true });
      expect({ ...checked, wallMs: 0 }, name).toEqual({ ...plain, wallMs: 0 });
      const started = Object.entries(checked.transitions.attempt).filter(([k]) => k.startsWith('initiated->')).reduce((n, [, v]) => n + v, 0);
      expect(started, name).toBeGreaterThan(0);
    }
  });
});

describe('an illegal transition in a checked topology run', () => {
  const scenario = {
    stop: { requests: 10 }, arrivals: { process: 'poisson', ratePerSec: 10 }, entry: 'a',
    services: { a: { servers: [{ count: 1 }], balancer: { name: 'round-robin' }, work: [{ work: { dist: 'constant', valueMs: 1 } }] } },
  } as TopologyInput;

  it('throws, naming the machine and the states', () => {
    const model = createTopologyModel(scenario, { checked: true });
    const a = model.requests.alloc();
    const setAttempt = (model as unknown as { setAttempt(a: number, to: number): void }).setAttempt.bind(model);
    expect(() => setAttempt(a, AttemptState.Succeeded)).toThrow(IllegalTransitionError);
    expect(() => setAttempt(a, AttemptState.Succeeded)).toThrow(/illegal attempt transition for attempt \d+: initiated -> succeeded/);
    setAttempt(a, AttemptState.InService); // legal
    expect(() => setAttempt(a, AttemptState.Pending)).not.toThrow(); // in-service -> pending: queued again after a call (hold: false)
  });

  it('is not checked in an unchecked run', () => {
    const model = createTopologyModel(scenario);
    const a = model.requests.alloc();
    (model as unknown as { setAttempt(a: number, to: number): void }).setAttempt(a, AttemptState.Succeeded);
    expect(model.requests.i32[a * ROW_I32 + I_STATE]).toBe(AttemptState.Succeeded);
  });
});

describe('the topology machines as data', () => {
  it('draw as Mermaid with the turns a single pool does not take', () => {
    const call = toMermaid(TOPOLOGY_CALL_MACHINE);
    expect(call).toContain('pending --> succeeded: an attempt succeeded');
    expect(call).toContain('initiated --> rejected: refused by breaker or bulkhead');
    expect(toMermaid(TOPOLOGY_ATTEMPT_MACHINE)).toContain('in_service --> pending: calls answered; queues again (hold: false)');
  });
});
