/**
 * The state machines of lbsim, as data: states, allowed transitions and their names. The model
 * stores states as small integers (the enums below) and, in checked runs, refuses any transition
 * not listed here. `toMermaid` draws a machine as a Mermaid `stateDiagram-v2`.
 */

export const ServerState = { Idle: 0, Busy: 1, Failed: 2, Recovering: 3 } as const;
export const SERVER_STATE_NAMES = ['idle', 'busy', 'failed', 'recovering'] as const;
export type ServerStateName = (typeof SERVER_STATE_NAMES)[number];

/**
 * A request as its client sees it (one logical request, however many attempts it takes).
 * `pending`: an attempt is out and waiting at a server; `in-service`: an attempt is being served;
 * `backoff`: the last attempt failed and the client waits before retrying.
 */
export const RequestState = {
  Initiated: 0,
  Pending: 1,
  InService: 2,
  Succeeded: 3,
  Failed: 4,
  TimedOut: 5,
  Dropped: 6,
  Rejected: 7,
  Backoff: 8,
} as const;
export const REQUEST_STATE_NAMES = [
  'initiated', 'pending', 'in-service', 'succeeded', 'failed', 'timed-out', 'dropped', 'rejected', 'backoff',
] as const;

/**
 * One attempt (a copy of a request sent to one server). The numbering matches RequestState for
 * the states they share. `timed-out`: the client stopped waiting and the server dropped the work
 * (cancellation); `cancelled`: a hedge lost the race and was withdrawn. Work the client abandoned
 * without cancelling carries on at the server and ends `succeeded` or `failed` there (counted as
 * wasted work).
 */
export const AttemptState = {
  Initiated: 0,
  Pending: 1,
  InService: 2,
  Succeeded: 3,
  Failed: 4,
  TimedOut: 5,
  Dropped: 6,
  Rejected: 7,
  Cancelled: 8,
} as const;
export const ATTEMPT_STATE_NAMES = [
  'initiated', 'pending', 'in-service', 'succeeded', 'failed', 'timed-out', 'dropped', 'rejected', 'cancelled',
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
    [S.Failed, S.Idle, 'repaired (no warm-up)'],
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
    [R.Initiated, R.Failed, 'server down'],
    [R.Initiated, R.Backoff, 'attempt failed; will retry'],
    [R.Initiated, R.TimedOut, 'deadline passes'],
    [R.Pending, R.InService, 'reaches a free slot'],
    [R.Pending, R.Failed, 'server fails'],
    [R.Pending, R.Dropped, 'shed from the queue'],
    [R.Pending, R.TimedOut, 'deadline passes'],
    [R.Pending, R.Backoff, 'attempt failed; will retry'],
    [R.InService, R.Succeeded, 'completes'],
    [R.InService, R.Pending, 'served attempt lost; a hedge waits'],
    [R.InService, R.Failed, 'server fails'],
    [R.InService, R.TimedOut, 'deadline passes'],
    [R.InService, R.Backoff, 'attempt failed; will retry'],
    [R.Backoff, R.Pending, 'retry queued'],
    [R.Backoff, R.InService, 'retry starts at once'],
    [R.Backoff, R.Backoff, 'retry failed at once; will retry'],
    [R.Backoff, R.Failed, 'retry: server down'],
    [R.Backoff, R.Dropped, 'retry: queue full'],
    [R.Backoff, R.Rejected, 'retry: no eligible server'],
    [R.Backoff, R.TimedOut, 'deadline passes'],
  ],
};

const A = AttemptState;
export const ATTEMPT_MACHINE: StateMachine = {
  name: 'attempt',
  states: ATTEMPT_STATE_NAMES,
  initial: A.Initiated,
  terminal: [A.Succeeded, A.Failed, A.TimedOut, A.Dropped, A.Rejected, A.Cancelled],
  transitions: [
    [A.Initiated, A.Pending, 'queued'],
    [A.Initiated, A.InService, 'starts at once'],
    [A.Initiated, A.Dropped, 'queue full'],
    [A.Initiated, A.Rejected, 'no eligible server'],
    [A.Initiated, A.Failed, 'server down'],
    [A.Initiated, A.TimedOut, 'client gave up while connecting'],
    [A.Initiated, A.Cancelled, 'hedge lost while connecting'],
    [A.Pending, A.InService, 'reaches a free slot'],
    [A.Pending, A.Failed, 'server fails'],
    [A.Pending, A.Dropped, 'shed (waited too long)'],
    [A.Pending, A.TimedOut, 'client gave up; withdrawn'],
    [A.Pending, A.Cancelled, 'hedge lost; withdrawn'],
    [A.InService, A.Succeeded, 'completes'],
    [A.InService, A.Failed, 'server fails'],
    [A.InService, A.TimedOut, 'client gave up; cancelled'],
    [A.InService, A.Cancelled, 'hedge lost; cancelled'],
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

/**
 * Throws IllegalTransitionError unless `from -> to` is a transition of `machine`, whose table
 * (`transitionTable(machine)`) is `allowed`; `who` is the row or server. Called out of line from
 * the hot paths' `checked` branches.
 */
export function checkTransition(machine: StateMachine, allowed: Uint8Array, from: number, to: number, who: number): void {
  if (allowed[from * machine.states.length + to] === 0) throw new IllegalTransitionError(machine, from, to, who);
}

/** Mermaid `stateDiagram-v2` text; `counts` (keyed "from->to" by state name) annotates edges. */
export function toMermaid(machine: StateMachine, counts?: Record<string, number>): string {
  const id = (i: number) => machine.states[i].replace(/-/g, '_');
  const lines = ['stateDiagram-v2'];
  // Mermaid ids cannot contain dashes: declare the real names as labels.
  machine.states.forEach((name, i) => { if (name.includes('-')) lines.push(`    state "${name}" as ${id(i)}`); });
  lines.push(`    [*] --> ${id(machine.initial)}`);
  for (const [from, to, label] of machine.transitions) {
    const key = `${machine.states[from]}->${machine.states[to]}`;
    const n = counts?.[key];
    lines.push(`    ${id(from)} --> ${id(to)}: ${label}${n === undefined ? '' : ` (${n})`}`);
  }
  for (const t of machine.terminal) lines.push(`    ${id(t)} --> [*]`);
  return lines.join('\n') + '\n';
}
