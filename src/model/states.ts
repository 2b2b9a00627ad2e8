/**
 * The state machines of lbsim, as data: states, allowed transitions and their names. The model
 * stores states as small integers (the enums below) and, in checked runs, refuses any transition
 * not listed here. `toMermaid` draws a machine as a Mermaid `stateDiagram-v2`.
 */

export const ServerState = { Idle: 0, Busy: 1, Failed: 2, Recovering: 3 } as const;
export const SERVER_STATE_NAMES = ['idle', 'busy', 'failed', 'recovering'] as const;
export type ServerStateName = (typeof SERVER_STATE_NAMES)[number];

export const RequestState = {
  Initiated: 0,
  Pending: 1,
  InService: 2,
  Succeeded: 3,
  Failed: 4,
  TimedOut: 5,
  Dropped: 6,
  Rejected: 7,
} as const;
export const REQUEST_STATE_NAMES = [
  'initiated', 'pending', 'in-service', 'succeeded', 'failed', 'timed-out', 'dropped', 'rejected',
] as const;

export interface StateMachine {
  name: string;
  states: readonly string[];
  initial: number;
  terminal: readonly number[];
  /** [from, to, label] triples: the only transitions allowed. */
  transitions: readonly (readonly [number, number, string])[];
}

const S = ServerState;
export const SERVER_MACHINE: StateMachine = {
  name: 'server',
  states: SERVER_STATE_NAMES,
  initial: S.Idle,
  terminal: [],
  transitions: [
    [S.Idle, S.Busy, 'request starts'],
    [S.Busy, S.Idle, 'last request ends'],
    [S.Idle, S.Failed, 'fails'],
    [S.Busy, S.Failed, 'fails (aborts its requests)'],
    [S.Failed, S.Recovering, 'repaired'],
    [S.Recovering, S.Idle, 'warm-up over'],
    [S.Recovering, S.Busy, 'warm-up over'],
    [S.Recovering, S.Failed, 'fails again'],
  ],
};

const R = RequestState;
export const REQUEST_MACHINE: StateMachine = {
  name: 'request',
  states: REQUEST_STATE_NAMES,
  initial: R.Initiated,
  terminal: [R.Succeeded, R.Failed, R.TimedOut, R.Dropped, R.Rejected],
  transitions: [
    [R.Initiated, R.Pending, 'queued at a server'],
    [R.Initiated, R.InService, 'starts at once'],
    [R.Initiated, R.Dropped, 'queue full'],
    [R.Initiated, R.Rejected, 'no eligible server'],
    [R.Initiated, R.Failed, 'server down (refused)'],
    [R.Pending, R.InService, 'reaches a free slot'],
    [R.Pending, R.Failed, 'server fails'],
    [R.Pending, R.TimedOut, 'deadline passes'],
    [R.InService, R.Succeeded, 'completes'],
    [R.InService, R.Failed, 'server fails'],
    [R.InService, R.TimedOut, 'deadline passes'],
  ],
};

/** A table allowed[from * n + to] for fast checks. */
export function transitionTable(machine: StateMachine): Uint8Array {
  const n = machine.states.length;
  const table = new Uint8Array(n * n);
  for (const [from, to] of machine.transitions) table[from * n + to] = 1;
  return table;
}

export class IllegalTransitionError extends Error {
  constructor(machine: StateMachine, from: number, to: number, who: number) {
    super(`illegal ${machine.name} transition for ${machine.name} ${who}: ${machine.states[from]} -> ${machine.states[to]}`);
    this.name = 'IllegalTransitionError';
  }
}

/** Mermaid `stateDiagram-v2` text; `counts` (keyed "from->to" by state name) annotates edges. */
export function toMermaid(machine: StateMachine, counts?: Record<string, number>): string {
  const id = (i: number) => machine.states[i].replace(/-/g, '_');
  const lines = ['stateDiagram-v2', `    [*] --> ${id(machine.initial)}`];
  for (const [from, to, label] of machine.transitions) {
    const key = `${machine.states[from]}->${machine.states[to]}`;
    const n = counts?.[key];
    lines.push(`    ${id(from)} --> ${id(to)}: ${label}${n === undefined ? '' : ` (${n})`}`);
  }
  for (const t of machine.terminal) lines.push(`    ${id(t)} --> [*]`);
  return lines.join('\n') + '\n';
}
