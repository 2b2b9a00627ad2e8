/**
 * A bulkhead on an edge (`calls[edge].maxConcurrent`) as a state machine: OPEN while fewer than
 * maxConcurrent attempts hold a permit, FULL while all of them are held (the next attempt is
 * refused at once). The edge keeps the count (`Edge.inFlight`); this keeps the state, the time in
 * each state and the transitions, and refuses a move that is not in the machine.
 */
import { checkTransition, transitionTable, type StateMachine } from './states.js';

export const BulkheadState = { Open: 0, Full: 1 } as const;
export const BULKHEAD_STATE_NAMES = ['open', 'full'] as const;

const B = BulkheadState;
export const BULKHEAD_MACHINE: StateMachine = {
  name: 'bulkhead',
  states: BULKHEAD_STATE_NAMES,
  initial: B.Open,
  terminal: [],
  transitions: [
    [B.Open, B.Full, 'the last permit taken (maxConcurrent in flight)'],
    [B.Full, B.Open, 'a permit freed'],
  ],
};
const ALLOWED = transitionTable(BULKHEAD_MACHINE);

export class BulkheadMeter {
  state: number = B.Open;
  /** Time in each state [open, full] up to the last change, ms; transitions [from * 2 + to]. */
  readonly stateTimeMs = new Float64Array(2);
  readonly transitions = new Float64Array(4);
  private since = 0;

  constructor(readonly maxConcurrent: number, private readonly clock: { readonly now: number }) {}

  /** A permit was taken: `inFlight` now hold one. */
  took(inFlight: number): void {
    if (inFlight === this.maxConcurrent) this.enter(B.Full);
  }

  /** A permit was freed: `inFlight` hold one now. */
  freed(inFlight: number): void {
    if (inFlight === this.maxConcurrent - 1) this.enter(B.Open);
  }

  /** Time in each state up to `now` (the current state's open interval included). */
  timeMs(now: number): number[] {
    const t = Array.from(this.stateTimeMs);
    t[this.state] += now - this.since;
    return t;
  }

  private enter(to: number): void {
    checkTransition(BULKHEAD_MACHINE, ALLOWED, this.state, to, -1);
    const now = this.clock.now;
    this.stateTimeMs[this.state] += now - this.since;
    this.transitions[this.state * 2 + to]++;
    this.since = now;
    this.state = to;
  }
}
