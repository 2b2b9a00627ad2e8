import { describe, expect, it } from 'vitest';
import { SERVER_MACHINE, REQUEST_MACHINE, toMermaid, ServerPool, IllegalTransitionError, ServerState, RequestState, AttemptState } from '../../src/index.js';

describe('state machines', () => {
  it('a request and its first attempt share the numbers of initiated, pending, in service and succeeded (the short path writes one for both)', () => {
    for (const k of ['Initiated', 'Pending', 'InService', 'Succeeded'] as const) expect(RequestState[k]).toBe(AttemptState[k]);
  });

  it('toMermaid draws every state and transition as stateDiagram-v2', () => {
    const text = toMermaid(REQUEST_MACHINE);
    expect(text.startsWith('stateDiagram-v2\n')).toBe(true);
    expect(text).toContain('[*] --> initiated');
    expect(text).toContain('in_service --> succeeded: completes');
    for (const t of REQUEST_MACHINE.terminal) expect(text).toContain(`${REQUEST_MACHINE.states[t].replace(/-/g, '_')} --> [*]`);
    expect(text.split('\n').filter((l) => l.includes('-->')).length).toBe(REQUEST_MACHINE.transitions.length + 1 + REQUEST_MACHINE.terminal.length);
    expect(text).toContain('state "in-service" as in_service');
  });

  it('toMermaid annotates edges with counts', () => {
    expect(toMermaid(SERVER_MACHINE, { 'idle->busy': 42 })).toContain('idle --> busy: request starts (42)');
  });

  it('a checked pool refuses a transition the server machine does not allow, naming both states', () => {
    const pool = new ServerPool([{ concurrency: 1, speed: 1, weight: 1, queueLimit: -1 }], { now: 0 });
    pool.checked = true;
    pool.setState(0, ServerState.Failed);
    expect(() => pool.setState(0, ServerState.Busy)).toThrow(IllegalTransitionError);
    expect(() => pool.setState(0, ServerState.Busy)).toThrow(/failed -> busy/);
  });
});
