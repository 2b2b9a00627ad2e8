/**
 * Load shedding by queue time (`discipline: "adaptive-lifo"`, Facebook's adaptive LIFO with
 * CoDel-style controlled delay) as a state machine, one per server queue. The state is a function
 * of the queue and the clock, read when a slot is handed on (`server-pool.ts`, `attempt-flow.ts`,
 * `topology-servers.ts`): EMPTY while no attempt waits; QUEUEING while attempts have waited since
 * the queue last became non-empty for at most `queueIntervalMs` (oldest first, attempts that waited
 * longer than `queueIntervalMs` shed); OVERLOADED once the queue has not been empty for longer than
 * `queueIntervalMs` (newest first, attempts that waited longer than `queueTargetMs` shed). Only
 * emptying the queue ends an overload.
 */
import type { StateMachine } from './states.js';

export const SheddingState = { Empty: 0, Queueing: 1, Overloaded: 2 } as const;
export const SHEDDING_STATE_NAMES = ['empty', 'queueing', 'overloaded'] as const;

const S = SheddingState;
export const SHEDDING_MACHINE: StateMachine = {
  name: 'shedding',
  states: SHEDDING_STATE_NAMES,
  initial: S.Empty,
  terminal: [],
  transitions: [
    [S.Empty, S.Queueing, 'an attempt queues'],
    [S.Queueing, S.Empty, 'the queue empties'],
    [S.Queueing, S.Queueing, 'serve the oldest; shed those waiting > queueIntervalMs'],
    [S.Queueing, S.Overloaded, 'not empty for > queueIntervalMs'],
    [S.Overloaded, S.Overloaded, 'serve the newest; shed those waiting > queueTargetMs'],
    [S.Overloaded, S.Empty, 'the queue empties'],
  ],
};
