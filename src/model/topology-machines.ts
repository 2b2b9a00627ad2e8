/**
 * The state machines of a topology's rows, as data (see states.ts): a *call* (one logical request
 * over an edge, however many attempts it takes) and an *attempt* (one try of a call at a server of
 * the callee). They share their state names and numbers with the single pool's request and
 * attempt machines, but take turns those do not: a call is pending from its first attempt to its
 * end (the caller does not see whether it is queued or served), an attempt that gave its slot up
 * during a call (`hold: false`) queues again, and a breaker or bulkhead refuses calls before any
 * attempt exists. `lbsim diagram topology-call` / `topology-attempt` draw them.
 */
import { ATTEMPT_STATE_NAMES, AttemptState, REQUEST_STATE_NAMES, RequestState, transitionTable, type StateMachine } from './states.js';

const R = RequestState;
export const TOPOLOGY_CALL_MACHINE: StateMachine = {
  name: 'call',
  states: REQUEST_STATE_NAMES,
  initial: R.Initiated,
  terminal: [R.Succeeded, R.Failed, R.TimedOut, R.Dropped, R.Rejected],
  transitions: [
    [R.Initiated, R.Pending, 'first attempt sent'],
    [R.Initiated, R.Backoff, 'refused by breaker or bulkhead; will retry'],
    [R.Initiated, R.Rejected, 'refused by breaker or bulkhead'],
    [R.Pending, R.Succeeded, 'an attempt succeeded'],
    [R.Pending, R.Failed, 'error answer, or not needed any more'],
    [R.Pending, R.TimedOut, 'attempt timeout or deadline'],
    [R.Pending, R.Dropped, 'queue full'],
    [R.Pending, R.Rejected, 'no eligible server'],
    [R.Pending, R.Backoff, 'attempt failed; will retry'],
    [R.Backoff, R.Pending, 'retry sent'],
    [R.Backoff, R.Backoff, 'retry refused; will retry'],
    [R.Backoff, R.Rejected, 'retry refused'],
    [R.Backoff, R.Failed, 'not needed any more'],
    [R.Backoff, R.TimedOut, 'deadline passes'],
  ],
};

const A = AttemptState;
export const TOPOLOGY_ATTEMPT_MACHINE: StateMachine = {
  name: 'attempt',
  states: ATTEMPT_STATE_NAMES,
  initial: A.Initiated,
  terminal: [A.Succeeded, A.Failed, A.Dropped, A.Rejected, A.Cancelled],
  transitions: [
    [A.Initiated, A.Pending, 'queued'],
    [A.Initiated, A.InService, 'starts at once'],
    [A.Initiated, A.Dropped, 'queue full'],
    [A.Initiated, A.Rejected, 'no eligible server, or over the limit'],
    [A.Initiated, A.Failed, 'server down'],
    [A.Initiated, A.Cancelled, 'withdrawn on the way'],
    [A.Pending, A.InService, 'takes a free slot'],
    [A.Pending, A.Dropped, 'shed (waited too long)'],
    [A.Pending, A.Failed, 'server fails'],
    [A.Pending, A.Cancelled, 'withdrawn from the queue'],
    [A.InService, A.InService, 'calls answered; resumes on a free slot (hold: false)'],
    [A.InService, A.Pending, 'calls answered; queues again (hold: false)'],
    [A.InService, A.Succeeded, 'handler done'],
    [A.InService, A.Failed, 'fail step, a needed call failed, or server fails'],
    [A.InService, A.Cancelled, 'withdrawn'],
  ],
};

export const CALL_ALLOWED = transitionTable(TOPOLOGY_CALL_MACHINE);
export const ATTEMPT_ALLOWED = transitionTable(TOPOLOGY_ATTEMPT_MACHINE);
